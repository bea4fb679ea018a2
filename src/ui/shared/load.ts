/** Code for the Live Monitor's load generator: each run sleeps `seconds` and says so. */
const SLEEP_PROGRAMS: Record<string, (seconds: number) => string> = {
  python: (s) => `import time\ntime.sleep(${s})\nprint("slept ${s}s")\n`,
  javascript: (s) => `setTimeout(() => console.log("slept ${s}s"), ${s * 1000});\n`,
  typescript: (s) => `setTimeout(() => console.log("slept ${s}s"), ${s * 1000});\n`,
  ruby: (s) => `sleep ${s}\nputs "slept ${s}s"\n`,
  bash: (s) => `sleep ${s}\necho "slept ${s}s"\n`,
  go: (s) =>
    `package main\n\nimport (\n\t"fmt"\n\t"time"\n)\n\nfunc main() {\n\ttime.Sleep(${s} * time.Second)\n\tfmt.Println("slept ${s}s")\n}\n`,
};

export const canGenerateLoad = (language: string): boolean => language in SLEEP_PROGRAMS;

export function sleepProgram(language: string, seconds: number): string {
  const make = SLEEP_PROGRAMS[language];
  if (!make) throw new Error(`no sleep program for ${language}`);
  return make(seconds);
}

/** A timeout that leaves the sleeping program room to finish, within the API's maximum. */
export const batchTimeout = (seconds: number, max: number): number => Math.min(max, Math.max(10, seconds + 30));

/** Runs `task` for 0..count-1 with at most `parallel` at once; reports progress after each. */
export async function runLimited<T>(
  count: number,
  parallel: number,
  task: (i: number) => Promise<T>,
  progress: (done: number, result: PromiseSettledResult<T>) => void,
): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array<PromiseSettledResult<T>>(count);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await task(i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
      progress(++done, results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, lane));
  return results;
}

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { sandboxSettings } from '../src/activities/index.js';
import { runInput } from '../src/api/languages.js';
import type { TestCase } from '../src/domain/judge.js';
import { loadConfig } from '../src/config/config.js';
import { FIXTURES } from '../test/support/paths.js';
import { createStack, type Stack } from '../test/support/stack.js';
import { timeRawJob } from './raw-sandbox.js';
import { printTable, summary } from './stats.js';

/**
 * Judge workloads against hand-made ConfigMap + Job baselines (bench/raw-sandbox.ts), interleaved in the
 * same run: compile-and-run A+B in C++, Java and Go (one test), and Python A+B over 50 tests (the baseline
 * loops over 50 stdin files in one container). Product: POST /runs?wait=true, submit to verdict.
 * Usage: node dist/bench/judge.js [iterations]   (KUBECONFIG and a Temporal server must be up)
 */
const N = Number(process.argv[2] ?? process.env.BENCH_ITERATIONS ?? 5);
const LANGS = (process.env.BENCH_LANGUAGES ?? 'cpp,java,go').split(',');
const source = (id: string) =>
  readFileSync(`${FIXTURES}/languages/${id}.${{ cpp: 'cpp', java: 'java', go: 'go', python: 'py' }[id] ?? id}`, 'utf8');
const tests = (n: number): TestCase[] =>
  Array.from({ length: n }, (_, i) => ({ stdin: `${i} ${i + 1}\n`, expected_output: `${2 * i + 1}\n` }));

async function product(stack: Stack, language: string, ts: TestCase[]): Promise<number> {
  const t0 = performance.now();
  const res = await request(stack.app)
    .post('/runs?wait=true')
    .set('Content-Type', 'application/json')
    .send({ language, code: source(language), tests: ts, timeout_seconds: 10 });
  const ms = performance.now() - t0;
  if (res.body.verdict !== 'Accepted') throw new Error(`${language}: ${JSON.stringify(res.body).slice(0, 500)}`);
  return ms;
}

async function raw(stack: Stack, language: string, ts: TestCase[]): Promise<number> {
  const lang = stack.cfg.languages.find((l) => l.id === language)!;
  const input = runInput(lang, {
    runId: randomUUID(),
    code: source(language),
    stdin: ts[0]!.stdin,
    timeoutSeconds: 10,
    tests: ts,
  });
  // timeoutSeconds is the time limit of one test; the baseline runs them all in one container.
  const { ms, logs } = await timeRawJob(
    stack.kube,
    { ...input, timeoutSeconds: 60 },
    sandboxSettings(stack.cfg),
    ts.length,
  );
  const want = ts.map((t) => t.expected_output).join('');
  if (logs !== want) throw new Error(`raw ${language}: ${logs.slice(0, 300)}`);
  return ms;
}

async function main(): Promise<void> {
  const poll = loadConfig(process.env).poll;
  const stack = await createStack({
    JOB_TTL_SECONDS: '60',
    POLL_INITIAL_MS: String(poll.initialMs),
    POLL_MAX_MS: String(poll.maxMs),
    POLL_FACTOR: String(poll.factor),
    POLL_FALLBACK_MS: String(poll.fallbackMs),
  });
  await stack.startWorker();
  try {
    const cases: [string, TestCase[]][] = [
      ...LANGS.map((l): [string, TestCase[]] => [l, tests(1)]),
      ['python', tests(50)],
    ];
    for (const [l, ts] of cases) {
      await raw(stack, l, ts); // warm-up: the first pod of an image pays for unpacking it
      await product(stack, l, ts);
    }
    console.log(`judge benchmark: ${N} interleaved iterations per case; product = POST /runs?wait=true to the verdict`);
    for (const [l, ts] of cases) {
      const r: Record<string, number[]> = { 'raw ConfigMap+Job': [], 'Code Runner': [] };
      for (let i = 0; i < N; i++) {
        r['raw ConfigMap+Job']!.push(await raw(stack, l, ts));
        r['Code Runner']!.push(await product(stack, l, ts));
        process.stderr.write('.');
      }
      process.stderr.write('\n');
      console.log(`\n${l}: compile once (where it compiles) and run ${ts.length} test${ts.length > 1 ? 's' : ''}`);
      printTable(
        Object.entries(r).map(([k, v]) => summary(k, v)),
        'raw ConfigMap+Job',
      );
    }
  } finally {
    await stack.close();
  }
}

await main();

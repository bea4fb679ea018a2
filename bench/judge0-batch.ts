import request from 'supertest';
import { createStack, sleep, type Stack } from '../test/support/stack.js';
import { printTable, summary } from './stats.js';

/**
 * A Judge0 batch workload at 5x the cap (MAX_ACTIVE_RUNS): the same python A+B submitted through Judge0's
 * `POST /submissions/batch` (20 per batch) and polled with `GET /submissions/batch?tokens=`, against the
 * same programs through our native API (`POST /runs`, polled with `GET /runs/{id}`), waves alternating in
 * the same run. Prints each wave's throughput and the per-submission latency (submit to first seen done).
 * Usage: node dist/bench/judge0-batch.js [rounds]   (KUBECONFIG and a Temporal server must be up)
 */
const ROUNDS = Number(process.argv[2] ?? process.env.BENCH_ROUNDS ?? 2);
const POLL_MS = 200;
const BATCH = 20;
const CODE = 'a, b = map(int, input().split())\nprint(a + b)';
const cases = (n: number) => Array.from({ length: n }, (_, i) => ({ stdin: `${i} ${i + 1}\n`, out: `${2 * i + 1}\n` }));

interface Wave {
  latencies: number[];
  perSecond: number;
}

/** Submits through `submit` (one call per chunk), then polls `poll` until every id is done. */
async function wave(
  n: number,
  submit: (chunk: { stdin: string; out: string }[]) => Promise<string[]>,
  poll: (ids: string[]) => Promise<Set<string>>,
): Promise<Wave> {
  const t0 = performance.now();
  const submitted = new Map<string, number>();
  const all = cases(n);
  for (let i = 0; i < n; i += BATCH) {
    const at = performance.now();
    for (const id of await submit(all.slice(i, i + BATCH))) submitted.set(id, at);
  }
  const done = new Map<string, number>();
  while (done.size < submitted.size) {
    await sleep(POLL_MS);
    const open = [...submitted.keys()].filter((id) => !done.has(id));
    const now = performance.now();
    for (const id of await poll(open)) done.set(id, now);
  }
  const latencies = [...done].map(([id, at]) => at - submitted.get(id)!);
  return { latencies, perSecond: n / ((Math.max(...done.values()) - t0) / 1000) };
}

function judge0(stack: Stack, n: number): Promise<Wave> {
  return wave(
    n,
    async (chunk) => {
      const submissions = chunk.map((c) => ({
        source_code: CODE,
        language_id: 71,
        stdin: c.stdin,
        expected_output: c.out,
      }));
      const res = await request(stack.app).post('/submissions/batch').send({ submissions });
      if (res.status !== 201) throw new Error(`batch: ${res.status} ${res.text.slice(0, 300)}`);
      return (res.body as { token: string }[]).map((s) => s.token);
    },
    async (ids) => {
      const finished = new Set<string>();
      for (let i = 0; i < ids.length; i += BATCH) {
        const tokens = ids.slice(i, i + BATCH).join(',');
        const res = await request(stack.app).get(`/submissions/batch?tokens=${tokens}&fields=token,status`);
        for (const s of res.body.submissions as { token: string; status: { id: number } }[]) {
          if (s.status.id === 3) finished.add(s.token);
          else if (s.status.id > 3) throw new Error(`judge0 submission ${s.token}: ${JSON.stringify(s.status)}`);
        }
      }
      return finished;
    },
  );
}

function native(stack: Stack, n: number): Promise<Wave> {
  return wave(
    n,
    (chunk) =>
      Promise.all(
        chunk.map(async (c) => {
          const tests = [{ stdin: c.stdin, expected_output: c.out }];
          const res = await request(stack.app).post('/runs').send({ language: 'python', code: CODE, tests });
          if (res.status !== 201) throw new Error(`native: ${res.status} ${res.text.slice(0, 300)}`);
          return res.body.run_id as string;
        }),
      ),
    async (ids) => {
      const views = await Promise.all(ids.map(async (id) => (await request(stack.app).get(`/runs/${id}`)).body));
      const finished = new Set<string>();
      for (const v of views as { run_id: string; status: string; verdict?: string }[]) {
        if (v.status === 'Succeeded' && v.verdict === 'Accepted') finished.add(v.run_id);
        else if (!['Queued', 'Pending', 'Running'].includes(v.status))
          throw new Error(`native run: ${JSON.stringify(v)}`);
      }
      return finished;
    },
  );
}

async function main(): Promise<void> {
  const stack = await createStack({ JOB_TTL_SECONDS: '60' });
  await stack.startWorker();
  const cap = stack.cfg.admission.maxActiveRuns;
  const n = 5 * cap;
  try {
    await native(stack, 2); // warm-up
    const waves: Record<string, Wave[]> = { 'native API (baseline)': [], 'Judge0 batches': [] };
    for (let r = 0; r < ROUNDS; r++) {
      waves['native API (baseline)']!.push(await native(stack, n));
      waves['Judge0 batches']!.push(await judge0(stack, n));
      process.stderr.write('.');
    }
    process.stderr.write('\n');
    console.log(
      `judge0 batch benchmark: ${ROUNDS} waves each of ${n} python A+B submissions (5x MAX_ACTIVE_RUNS=${cap})`,
    );
    for (const [name, ws] of Object.entries(waves))
      console.log(`${name}: ${ws.map((w) => w.perSecond.toFixed(2)).join(', ')} submissions/s`);
    const rate = (name: string) => waves[name]!.reduce((a, w) => a + w.perSecond, 0) / ROUNDS;
    console.log(`throughput: ${(rate('Judge0 batches') / rate('native API (baseline)')).toFixed(2)}x the native API`);
    printTable(
      Object.entries(waves).map(([name, ws]) =>
        summary(
          name,
          ws.flatMap((w) => w.latencies),
        ),
      ),
      'native API (baseline)',
    );
  } finally {
    await stack.close();
  }
}

await main();

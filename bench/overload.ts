import request from 'supertest';
import { PodPeak } from '../test/support/peak.js';
import { createStack, sleep, type Stack } from '../test/support/stack.js';
import { isTerminal, type RunStatus } from '../src/domain/run.js';

/**
 * Overload: five times the cap submitted at once on the real node. Watches runner pods event by event
 * (a Kubernetes watch, not samples): the peak never exceeds the cap, every run completes, and the
 * makespan is compared with the ideal (five waves of `cap` runs, one wave measured alone in this run).
 * The same burst with admission off (MAX_ACTIVE_RUNS=0) shows the Pending-pod flood it prevents.
 * Usage: node dist/bench/overload.js [cap]
 */
const CAP = Number(process.argv[2] ?? process.env.BENCH_CAP ?? 4);
const FACTOR = 5;
const SLEEP_SECONDS = 2;
const CODE = `import time\ntime.sleep(${SLEEP_SECONDS})\nprint("done")`;

async function burst(stack: Stack, n: number) {
  const ids: string[] = [];
  const peak = new PodPeak(stack.kube, stack.cfg.runner.namespace, (id) => ids.includes(id));
  await peak.start();
  const timeline: string[] = [];
  let last = '';
  const t0 = Date.now();
  const tick = setInterval(() => {
    const s = `${peak.live.size} live / ${peak.existing.size} existing`;
    if (s !== last) timeline.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${s}`);
    last = s;
  }, 100);
  try {
    const submitted = await Promise.all(
      Array.from({ length: n }, () =>
        request(stack.app)
          .post('/runs')
          .set('Content-Type', 'application/json')
          .send({ language: 'python', code: CODE, timeout_seconds: 60 }),
      ),
    );
    for (const r of submitted) {
      if (r.status !== 201) throw new Error(`submit: ${r.status} ${JSON.stringify(r.body)}`);
      ids.push(r.body.run_id);
    }
    let maxQueued = 0;
    const statuses = new Map<string, RunStatus>();
    while (statuses.size < n) {
      const q = (await request(stack.app).get('/system/queue')).body as { queue_depth?: number };
      maxQueued = Math.max(maxQueued, q.queue_depth ?? 0);
      for (const id of ids) {
        if (statuses.has(id)) continue;
        const v = (await request(stack.app).get(`/runs/${id}`)).body as { status: RunStatus };
        if (isTerminal(v.status)) statuses.set(id, v.status);
      }
      await sleep(250);
    }
    const makespan = (Date.now() - t0) / 1000;
    const counts: Record<string, number> = {};
    for (const s of statuses.values()) counts[s] = (counts[s] ?? 0) + 1;
    return {
      makespan,
      peakLive: peak.peakLive,
      peakExisting: peak.peakExisting,
      pods: peak.seen.size,
      counts,
      maxQueued,
      timeline,
    };
  } finally {
    clearInterval(tick);
    peak.stop();
  }
}

async function main(): Promise<void> {
  const capped = await createStack({ MAX_ACTIVE_RUNS: String(CAP), JOB_TTL_SECONDS: '120' });
  const open = await createStack({ MAX_ACTIVE_RUNS: '0', JOB_TTL_SECONDS: '120' });
  await capped.startWorker();
  await open.startWorker();
  try {
    await burst(capped, 1); // warm-up: image and page cache
    const wave = await burst(capped, CAP);
    const over = await burst(capped, CAP * FACTOR);
    const flood = await burst(open, CAP * FACTOR);
    const ideal = wave.makespan * FACTOR;
    console.log(
      `\noverload benchmark: ${CAP * FACTOR} runs (python, sleep ${SLEEP_SECONDS}s) at once on the real node, cap ${CAP}`,
    );
    const row = (k: string, r: Awaited<ReturnType<typeof burst>>) =>
      console.log(
        `${k.padEnd(34)} makespan ${r.makespan.toFixed(1).padStart(5)} s   peak pods live ${String(r.peakLive).padStart(3)}, existing ${String(r.peakExisting).padStart(3)}   max queue_depth ${String(r.maxQueued).padStart(3)}   ${JSON.stringify(r.counts)}`,
      );
    row(`one wave of ${CAP} (baseline)`, wave);
    row(`${CAP * FACTOR} runs, cap ${CAP}`, over);
    row(`${CAP * FACTOR} runs, no cap (flood)`, flood);
    console.log(
      `ideal makespan (${FACTOR} waves x baseline): ${ideal.toFixed(1)} s; capped / ideal = ${(over.makespan / ideal).toFixed(2)}x`,
    );
    console.log(
      `cap held: ${over.peakExisting <= CAP ? 'yes' : 'NO'} (peak ${over.peakExisting} runner pods for cap ${CAP}); all completed: ${over.counts.Succeeded === CAP * FACTOR ? 'yes' : 'NO'}`,
    );
    console.log(`pod timeline with the cap (live / existing, at each change):\n  ${over.timeline.join('\n  ')}`);
  } finally {
    await capped.close();
    await open.close();
  }
}

await main();

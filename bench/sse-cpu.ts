import { spawn } from 'node:child_process';
import { createStack, eventually, sleep } from '../test/support/stack.js';
import { openSse, type SseStream } from '../test/support/sse.js';
import { cpuSeconds } from './procstat.js';

/**
 * API CPU per open event stream (GET /runs/{id}/events): the API as its own process (dist/src/api/main.js),
 * a worker in this one; RUNS programs printing a line a second, STREAMS streams spread over them. The API
 * process's CPU (from /proc) is read over WINDOW_S with the runs going and no stream, then with the streams.
 * Usage: node dist/bench/sse-cpu.js [streams] [runs]
 */
const STREAMS = Number(process.argv[2] ?? 20);
const RUNS = Number(process.argv[3] ?? 2);
const WINDOW_S = 30;
const PORT = 18000 + Math.floor(Math.random() * 1000);
const PRINTER = 'import time\nfor i in range(150):\n    print(f"line {i}", flush=True)\n    time.sleep(1)\n';

async function main(): Promise<void> {
  const stack = await createStack();
  await stack.startWorker();
  const api = spawn(process.execPath, ['dist/src/api/main.js'], {
    env: { ...stack.env, PORT: String(PORT), HOST: '127.0.0.1' },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${PORT}`;
  const streams: SseStream[] = [];
  try {
    await eventually(async () => (await fetch(`${base}/health`).catch(() => null))?.ok, 30_000, 'the API');
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const res = await fetch(`${base}/runs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ language: 'python', code: PRINTER, timeout_seconds: 300 }),
      });
      ids.push(((await res.json()) as { run_id: string }).run_id);
    }
    for (const id of ids)
      await eventually(
        async () => ((await (await fetch(`${base}/runs/${id}`)).json()) as { status: string }).status === 'Running',
        120_000,
        `run ${id} running`,
      );
    const measure = async () => {
      const c0 = cpuSeconds(api.pid!);
      await sleep(WINDOW_S * 1000);
      return (cpuSeconds(api.pid!) - c0) / WINDOW_S;
    };
    const idle = await measure();
    for (let i = 0; i < STREAMS; i++) streams.push(await openSse(`${base}/runs/${ids[i % RUNS]}/events`));
    await sleep(3000); // past the first events (the backlog of output)
    const busy = await measure();
    const events = streams.reduce((n, s) => n + s.events.length, 0);
    console.log(
      JSON.stringify({
        streams: STREAMS,
        runs: RUNS,
        window_s: WINDOW_S,
        api_cpu_percent_without_streams: +(idle * 100).toFixed(2),
        api_cpu_percent_with_streams: +(busy * 100).toFixed(2),
        per_stream_cpu_percent: +(((busy - idle) * 100) / STREAMS).toFixed(3),
        events_received: events,
      }),
    );
  } finally {
    for (const s of streams) s.close();
    api.kill('SIGTERM');
    for (const id of (await stack.runs.list({ limit: 50 })).runs.map((r) => r.run_id))
      await stack.client.workflow
        .getHandle(id)
        .cancel()
        .catch(() => undefined);
    await sleep(5000);
    await stack.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

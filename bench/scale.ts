// Over 300 lines on purpose: the baseline, the product run, the resource sampling and the report share one setup.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { V1Job, V1Pod } from '@kubernetes/client-node';
import { loadConfig } from '../src/config/config.js';
import { connectClient } from '../src/temporal/connection.js';
import { removeSweepSchedule } from '../src/temporal/sweep-schedule.js';
import { createKubeClients } from '../src/kube/client.js';
import { ensureRunnerNamespace } from '../src/kube/namespace.js';
import { rawSandbox } from './raw-sandbox.js';
import { sandboxSettings } from '../src/activities/index.js';
import { runInput } from '../src/api/languages.js';
import { admissionWorkflowId } from '../src/workflows/definitions.js';
import { REPO_ROOT } from '../test/support/paths.js';
import { freePort, startProcess, waitForOutput, type Proc } from '../test/support/processes.js';
import { sleep } from '../test/support/stack.js';
import {
  countsSince,
  cpuSeconds,
  cpuSnapshot,
  findProcesses,
  kubeRequests,
  memoryMiB,
  temporalRequests,
  topFunctions,
} from './procstat.js';
import { percentile } from './stats.js';

/**
 * Scale: N runs through the real API and worker processes onto kwok's fake nodes (the control plane,
 * Temporal and the product are real; no containers run). Baseline in the same run: the same N Jobs
 * (bare Pods with SANDBOX_KIND=Pod) created straight against the API server (create, wait for
 * completion, delete), as fast as the cluster takes them. Prints throughput, submit-to-result latency, history events per run, the worker's CPU and
 * peak RSS, CPU per process, Temporal and Kubernetes API requests per run, and the worker's hottest
 * functions (node --cpu-prof).
 * Usage: node dist/bench/scale.js [runs]   (kwok nodes up: scripts/bench.sh scale does it)
 */
const N = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_SUBMITTERS ?? 16);
const NAMESPACE = 'code-runner-bench';
// The dev server's Prometheus endpoint (scripts/temporal.sh fixes its port): requests per run by operation.
const TEMPORAL_METRICS = process.env.TEMPORAL_METRICS_URL ?? 'http://127.0.0.1:9233/metrics';
const CODE = 'print("hello")';

const env: NodeJS.ProcessEnv = {
  ...process.env,
  TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
  TEMPORAL_TASK_QUEUE: `bench-${randomUUID().slice(0, 8)}`,
  RUNNER_NAMESPACE: NAMESPACE,
  RUNNER_NODE_SELECTOR: 'type=kwok',
  RUNNER_TOLERATIONS: 'kwok.x-k8s.io/node:NoSchedule',
  MAX_ACTIVE_RUNS: process.env.MAX_ACTIVE_RUNS ?? '200',
  JOB_TTL_SECONDS: '300',
  LOG_LEVEL: 'warn',
};
const cfg = loadConfig(env);
const kube = createKubeClients(env);
/** What the runs' sandboxes are (SANDBOX_KIND), and so what the raw baseline creates. */
const KIND = cfg.runner.kind;

/** Runs `task(i)` for i < n with at most `width` in flight. */
async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

/** The control plane's processes (the kwok "nodes" included): what every baseline and run costs there. */
const KUBE_PROCESSES = {
  'kube-apiserver': /kube-apiserver /,
  etcd: /\/etcd /,
  'kube-controller-manager': /kube-controller-manager /,
  'kube-scheduler': /kube-scheduler /,
  kwok: /\/kwok /,
};

interface Baseline {
  seconds: number;
  latencies: number[];
  /** When each object was done, in ms (any clock): for the steady-state rate. */
  doneAt: number[];
  /** Control-plane CPU seconds per object, and API requests per object by verb and resource. */
  kubeCpuPerObject: number;
  requests: Record<string, number> | null;
}

/**
 * A baseline: N objects straight against the API server, as many in flight as the product may have
 * active (its cap): the cluster's throughput, not a client's. Each polls its object until it is done
 * (50 ms doubling to 1 s), as a client without a watch would.
 */
async function baseline(run: () => Promise<void>): Promise<Baseline> {
  const pids = findProcesses(KUBE_PROCESSES);
  const cpu0 = cpuSnapshot(pids);
  const requests0 = await kubeRequests(kube.kc);
  const latencies: number[] = [];
  const doneAt: number[] = [];
  const t0 = performance.now();
  await pool(N, Math.max(CONCURRENCY, cfg.admission.maxActiveRuns), async () => {
    const start = performance.now();
    await run();
    doneAt.push(performance.now());
    latencies.push(doneAt.at(-1)! - start);
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = cpuSnapshot(pids);
  const cpu = Object.keys(cpu1).reduce((sum, k) => sum + cpu1[k]! - (cpu0[k] ?? 0), 0);
  return {
    seconds,
    latencies,
    doneAt,
    kubeCpuPerObject: cpu / N,
    requests: countsSince(requests0, await kubeRequests(kube.kc)),
  };
}

async function until(done: () => Promise<boolean>): Promise<void> {
  for (let delay = 50; !(await done()); delay = Math.min(delay * 2, 1000)) await sleep(delay);
}

/** A hello-world input and the baseline's objects for it. */
function rawObjects() {
  const lang = cfg.languages.find((l) => l.id === 'python')!;
  const settings = sandboxSettings(cfg);
  const input = runInput(lang, { runId: `raw-${randomUUID()}`, code: CODE, stdin: '', timeoutSeconds: 10 });
  // A ConfigMap and a Job (or Pod) made by hand, no launcher: bench/raw-sandbox.ts.
  const { configMap, job } = rawSandbox(input, settings);
  const name = job.metadata!.name!;
  const tpl = job.spec!.template;
  const pod: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...tpl.metadata, name, namespace: NAMESPACE },
    spec: tpl.spec!,
  };
  return { sandbox: KIND === 'Pod' ? pod : job, configMap, name };
}

/** Baseline: the product's sandbox (create → complete → delete), without Temporal or the product. */
const rawSandboxes = () =>
  baseline(async () => {
    const { sandbox, configMap, name } = rawObjects();
    const namespace = NAMESPACE;
    if (configMap) await kube.core.createNamespacedConfigMap({ namespace, body: configMap });
    if (KIND === 'Pod') {
      await kube.core.createNamespacedPod({ namespace, body: sandbox as V1Pod });
      await until(async () => {
        const p: V1Pod = await kube.core.readNamespacedPod({ name, namespace });
        return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
      });
      await kube.core.deleteNamespacedPod({ name, namespace });
    } else {
      await kube.batch.createNamespacedJob({ namespace, body: sandbox as V1Job });
      await until(async () => {
        const j: V1Job = await kube.batch.readNamespacedJob({ name, namespace });
        return (j.status?.succeeded ?? 0) + (j.status?.failed ?? 0) > 0;
      });
      await kube.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' });
    }
    if (configMap) await kube.core.deleteNamespacedConfigMap({ name, namespace });
  });

interface Closed {
  id: string;
  status: string;
  start: number;
  close: number;
  events: number;
}

async function product(port: number, worker: Proc) {
  const client = await connectClient(cfg.temporal);
  const base = `http://127.0.0.1:${port}`;
  const others = findProcesses({ temporal: /temporal server start-dev/, ...KUBE_PROCESSES });
  const pids = { worker: worker.child.pid!, ...others };
  const cpu0 = cpuSnapshot(pids);
  const requests0 = await temporalRequests(TEMPORAL_METRICS);
  const kubeRequests0 = await kubeRequests(kube.kc);
  const t0 = Date.now();
  let rejected = 0;
  await pool(N, CONCURRENCY, async () => {
    const res = await fetch(`${base}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'python', code: CODE, timeout_seconds: 10 }),
    });
    if (res.status !== 201) rejected++;
  });
  const submitSeconds = (Date.now() - t0) / 1000;
  let peakOpen = 0;
  const query = `TaskQueue = '${cfg.temporal.taskQueue}' AND WorkflowType = 'runWorkflow'`;
  for (;;) {
    const open = await client.workflowService.countWorkflowExecutions({
      namespace: cfg.temporal.namespace,
      query: `${query} AND ExecutionStatus = 'Running'`,
    });
    peakOpen = Math.max(peakOpen, Number(open.count));
    if (Number(open.count) === 0 && Date.now() - t0 > 2000) break;
    if (worker.child.exitCode !== null || worker.child.signalCode)
      throw new Error(
        `the worker exited (${worker.child.exitCode ?? worker.child.signalCode}) with ${open.count} runs open`,
      );
    await sleep(1000);
  }
  const wallSeconds = (Date.now() - t0) / 1000;
  const cpu1 = cpuSnapshot(pids);
  const requests = countsSince(requests0, await temporalRequests(TEMPORAL_METRICS));
  const kubeRequestsMade = countsSince(kubeRequests0, await kubeRequests(kube.kc));
  const closed: Closed[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.listWorkflowExecutions({
      namespace: cfg.temporal.namespace,
      query,
      pageSize: 1000,
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    for (const e of page.executions ?? []) {
      const ms = (t?: { seconds?: unknown; nanos?: number | null } | null) =>
        Number(t?.seconds ?? 0) * 1000 + Math.round((t?.nanos ?? 0) / 1e6);
      closed.push({
        id: e.execution?.workflowId ?? '',
        status: String(e.status),
        start: ms(e.startTime),
        close: ms(e.closeTime),
        events: Number(e.historyLength ?? 0),
      });
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  // A sample of results: every run must have succeeded (kwok completes runner pods with exit code 0).
  const sample = closed.slice(0, 20);
  const views = await Promise.all(sample.map(async (c) => (await fetch(`${base}/runs/${c.id}`)).json()));
  await client.workflow
    .getHandle(admissionWorkflowId(cfg.temporal.taskQueue))
    .terminate('benchmark over')
    .catch(() => undefined);
  await client.connection.close();
  return { closed, submitSeconds, wallSeconds, peakOpen, rejected, cpu0, cpu1, views, requests, kubeRequestsMade };
}

async function main(): Promise<void> {
  await ensureRunnerNamespace(kube, NAMESPACE);
  const nodes = await kube.core.listNode({ labelSelector: 'type=kwok' });
  if (nodes.items.length === 0) throw new Error('no kwok nodes: run `bash localcluster/cluster.sh kwok` first');

  console.error(`baseline: ${N} raw ${KIND}s on ${nodes.items.length} kwok nodes...`);
  const raw = await rawSandboxes();

  const port = await freePort();
  const profDir = join(REPO_ROOT, 'artifacts', 'bench', 'profile');
  rmSync(profDir, { recursive: true, force: true });
  mkdirSync(profDir, { recursive: true });
  const bundle = join(REPO_ROOT, 'dist', '.workflow-bundle.js');
  // The worker starts as deployed (scripts/worker.sh); BENCH_WORKER_NODE_FLAGS adds flags after those
  // (a later flag wins), and MALLOC_ARENA_MAX in the environment overrides the deployed one, to compare.
  const flags = (process.env.BENCH_WORKER_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const heapFile = join(profDir, 'worker-heap.json');
  const worker = startProcess('worker', { ...env, WORKFLOW_BUNDLE_PATH: bundle, HEAP_SAMPLE_FILE: heapFile }, [
    ...flags,
    `--import=${join(REPO_ROOT, 'dist', 'bench', 'heap-sampler.js')}`,
    '--cpu-prof',
    `--cpu-prof-dir=${profDir}`,
    // 10 ms between samples (node's default is 1 ms): at 1 ms the profiler's own threads took ~10% of
    // the worker's CPU, which the figures above would count as the worker's.
    '--cpu-prof-interval=10000',
  ]);
  const api = startProcess('api', { ...env, PORT: String(port), HOST: '127.0.0.1' });
  let result;
  try {
    await waitForOutput(worker, /worker: polling/, 60000);
    await waitForOutput(api, /listening/, 30000);
    console.error(`product: ${N} runs through the API (${CONCURRENCY} submitters)...`);
    result = await product(port, worker);
  } finally {
    const alive = worker.child.pid !== undefined && worker.child.exitCode === null && !worker.child.signalCode;
    if (!alive) console.error(`the worker exited early; its last output:\n${worker.output().slice(-2000)}`);
    const mem = alive ? memoryMiB(worker.child.pid!) : { peak: NaN, rss: NaN };
    const workerCpu = alive ? cpuSeconds(worker.child.pid!) : NaN;
    await worker.kill('SIGINT');
    await api.kill();
    // The worker made a sweeper schedule for this benchmark's task queue: it goes with the queue.
    const client = await connectClient(cfg.temporal);
    await removeSweepSchedule(client, cfg.temporal.taskQueue);
    await client.connection.close();
    if (result) report(raw, result, { ...mem, heap: readHeapPeak(heapFile) }, workerCpu, profDir);
  }
}

/** The worker's peak heap, and what its peak RSS was made of, as bench/heap-sampler.ts recorded them. */
function readHeapPeak(file: string): string {
  try {
    const {
      usedMiB,
      totalMiB,
      atRssPeak: p,
    } = JSON.parse(readFileSync(file, 'utf8')) as {
      usedMiB: number;
      totalMiB: number;
      atRssPeak: { rss: number; heap: number; nativeAnon: number; buffers: number; file: number };
    };
    const f = (n: number) => n.toFixed(0);
    return (
      `${f(usedMiB)} MiB used, ${f(totalMiB)} MiB reserved; at the RSS peak (${f(p.rss)} MiB): ` +
      `V8 heap ${f(p.heap)}, other anonymous (native) ${f(p.nativeAnon)} (of which Buffers and other ` +
      `V8 external memory ${f(p.buffers)}), file-backed (code) ${f(p.file)} MiB`
    );
  } catch {
    return 'not recorded';
  }
}

function report(
  raw: Baseline,
  r: Awaited<ReturnType<typeof product>>,
  mem: { peak: number; rss: number; heap: string },
  workerCpuTotal: number,
  profDir: string,
): void {
  const ok = r.closed.filter((c) => c.status === '2'); // WORKFLOW_EXECUTION_STATUS_COMPLETED
  const lat = r.closed.map((c) => c.close - c.start);
  const first = Math.min(...r.closed.map((c) => c.start));
  const last = Math.max(...r.closed.map((c) => c.close));
  const productRate = r.closed.length / ((last - first) / 1000);
  const rawRate = N / raw.seconds;
  const events = r.closed.map((c) => c.events);
  const succeeded = r.views.filter((v: { status?: string }) => v.status === 'Succeeded').length;
  const line = (k: string, v: string) => console.log(`${k.padEnd(36)} ${v}`);
  console.log(
    `\nscale benchmark: ${N} hello-world runs, kwok nodes, MAX_ACTIVE_RUNS=${cfg.admission.maxActiveRuns}, SANDBOX_KIND=${KIND}`,
  );
  line('runs accepted / rejected', `${N - r.rejected} / ${r.rejected}`);
  line('workflows completed', `${ok.length} of ${r.closed.length}`);
  line('sampled results Succeeded', `${succeeded} of ${r.views.length}`);
  line('submission (API 201s)', `${r.submitSeconds.toFixed(1)} s = ${(N / r.submitSeconds).toFixed(1)} runs/s`);
  line(`raw ${KIND}s (baseline) throughput`, `${rawRate.toFixed(1)} ${KIND}s/s (${raw.seconds.toFixed(1)} s)`);
  line(
    'Code Runner throughput',
    `${productRate.toFixed(1)} runs/s first start→last close (${((last - first) / 1000).toFixed(1)} s)`,
  );
  line('throughput / baseline', `${(productRate / rawRate).toFixed(2)}x`);
  const steady = steadyRate(r.closed.map((c) => c.close));
  const rawSteady = steadyRate(raw.doneAt);
  line(
    'sustained (10th→90th percentile close)',
    `${steady.toFixed(1)} runs/s; raw ${KIND}s ${rawSteady.toFixed(1)} ${KIND}s/s (${(steady / rawSteady).toFixed(2)}x)`,
  );
  line(
    `raw ${KIND} latency p50 / p95`,
    `${percentile(raw.latencies, 50).toFixed(0)} / ${percentile(raw.latencies, 95).toFixed(0)} ms`,
  );
  line('submit→result p50 / p95', `${percentile(lat, 50).toFixed(0)} / ${percentile(lat, 95).toFixed(0)} ms`);
  line('open runs at peak', String(r.peakOpen));
  line(
    'history events per run',
    `min ${Math.min(...events)}, p50 ${percentile(events, 50)}, max ${Math.max(...events)}`,
  );
  const workerCpu = (r.cpu1.worker ?? 0) - (r.cpu0.worker ?? 0);
  line(
    'worker CPU during the run',
    `${workerCpu.toFixed(1)} s = ${((workerCpu / r.wallSeconds) * 100).toFixed(0)}% of one core (${workerCpuTotal.toFixed(1)} s incl. start)`,
  );
  line('worker memory', `peak RSS ${mem.peak.toFixed(0)} MiB, at end ${mem.rss.toFixed(0)} MiB`);
  line('worker V8 heap at peak', mem.heap);
  console.log('\nCPU seconds per process during the product run (2 cores), and per run:');
  let perRun = 0;
  for (const [name, t1] of Object.entries(r.cpu1).sort(
    (a, b) => b[1] - (r.cpu0[b[0]] ?? 0) - (a[1] - (r.cpu0[a[0]] ?? 0)),
  )) {
    const d = t1 - (r.cpu0[name] ?? 0);
    perRun += d / r.closed.length;
    console.log(
      `  ${name.padEnd(26)} ${d.toFixed(1).padStart(7)} s  ${((d / r.wallSeconds) * 100).toFixed(0).padStart(4)}% of a core  ${(d / r.closed.length).toFixed(3)} s/run`,
    );
  }
  const cores = availableParallelism();
  console.log(
    `  ${'all of the above'.padEnd(26)} ${perRun.toFixed(3)} CPU-s per run: at most ${(cores / perRun).toFixed(1)} runs/s on ${cores} cores`,
  );
  const kubeCpu = Object.keys(KUBE_PROCESSES).reduce((sum, k) => sum + (r.cpu1[k] ?? 0) - (r.cpu0[k] ?? 0), 0);
  console.log(
    `\nKubernetes control plane (API server, etcd, controllers, scheduler, kwok): ${(kubeCpu / r.closed.length).toFixed(3)} CPU-s per run; ` +
      `the raw-${KIND} baseline ${raw.kubeCpuPerObject.toFixed(3)} per ${KIND} (it polls them; the product watches)`,
  );
  printKubeRequests(r.kubeRequestsMade, r.closed.length, raw.requests);
  if (r.requests) {
    const ops = Object.entries(r.requests).filter(([, n]) => n > 0);
    const total = ops.reduce((sum, [, n]) => sum + n, 0);
    console.log(`\nTemporal frontend requests per run (${(total / r.closed.length).toFixed(1)} in all):`);
    for (const [op, n] of ops.sort((a, b) => b[1] - a[1]).slice(0, 10))
      console.log(`  ${op.padEnd(36)} ${(n / r.closed.length).toFixed(2)}`);
  } else console.log(`\nTemporal frontend requests: ${TEMPORAL_METRICS} did not answer`);
  // One profile per thread: CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main one.
  for (const prof of readdirSync(profDir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()) {
    const thread = prof.split('.')[4] === '0' ? 'main thread' : 'workflow thread';
    console.log(`\nworker ${thread}: hottest functions (self time, node --cpu-prof):`);
    for (const f of topFunctions(join(profDir, prof), 12))
      console.log(`  ${(f.share * 100).toFixed(1).padStart(5)}%  ${f.fn}`);
    console.log(`  profile: ${join(profDir, prof)} (open in Chrome DevTools)`);
  }
}

/**
 * The steady-state rate: completions between the 10th and the 90th percentile completion, per second,
 * which leaves out the ramp (the first admissions) and the tail (the last runs finishing one by one).
 */
function steadyRate(doneAt: number[]): number {
  const t = [...doneAt].sort((a, b) => a - b);
  const lo = Math.floor(t.length * 0.1);
  const hi = Math.ceil(t.length * 0.9) - 1;
  return (hi - lo) / ((t[hi]! - t[lo]!) / 1000);
}

/** API requests per run by verb and resource, writes first, beside the raw-Job baseline's per Job. */
function printKubeRequests(
  made: Record<string, number> | null,
  runs: number,
  raw: Record<string, number> | null,
): void {
  if (!made) return void console.log("Kubernetes API requests: the API server's /metrics did not answer");
  const isWrite = (k: string) => /^(POST|PUT|PATCH|DELETE|DELETECOLLECTION) /.test(k);
  const sum = (c: Record<string, number> | null, n: number, f: (k: string) => boolean) =>
    c ? (Object.entries(c).reduce((t, [k, v]) => t + (f(k) ? v : 0), 0) / n).toFixed(1) : '-';
  console.log(
    `Kubernetes API requests per run: ${sum(made, runs, isWrite)} writes, ${sum(made, runs, (k) => !isWrite(k))} reads ` +
      `(raw ${KIND} baseline, per ${KIND}: ${sum(raw, N, isWrite)} writes, ${sum(raw, N, (k) => !isWrite(k))} reads)`,
  );
  const keys = Object.keys({ ...made, ...raw }).filter((k) => (made[k] ?? 0) + (raw?.[k] ?? 0) >= runs / 20);
  keys.sort((a, b) => Number(isWrite(b)) - Number(isWrite(a)) || (made[b] ?? 0) - (made[a] ?? 0));
  console.log(`  ${'request'.padEnd(34)} ${'per run'.padStart(8)} ${`raw ${KIND}`.padStart(8)}`);
  for (const k of keys)
    console.log(
      `  ${k.padEnd(34)} ${((made[k] ?? 0) / runs).toFixed(2).padStart(8)} ${raw ? ((raw[k] ?? 0) / N).toFixed(2).padStart(8) : ''}`,
    );
}

await main();

import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker, WorkflowBundleOption } from '@temporalio/worker';
import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createKubeClients, type KubeClients } from '../../src/kube/client.js';
import { ensureRunnerNamespace } from '../../src/kube/namespace.js';
import { connectClient, connectWorkerConnection } from '../../src/temporal/connection.js';
import { removeSweepSchedule } from '../../src/temporal/sweep-schedule.js';
import { wakeRun } from '../../src/temporal/wake.js';
import { createRunWorker } from '../../src/worker/worker.js';
import { activityDeps } from '../../src/activities/index.js';
import { createApp } from '../../src/api/app.js';
import { RunsService } from '../../src/api/runs-service.js';
import { SystemService } from '../../src/api/system-service.js';
import { LiveLogs } from '../../src/api/live-logs.js';
import { RUNNER_SELECTOR } from '../../src/domain/names.js';
import { admissionWorkflowId } from '../../src/workflows/definitions.js';
import { BUNDLE_PATH } from './paths.js';
import { startKeys, type RunningKeys } from '../../src/api/keys/index.js';
import type { AuditSink } from '../../src/api/audit.js';
import { countKubeErrors } from '../../src/obs/kube-errors.js';
import type { WorkerMetrics } from '../../src/obs/worker-metrics.js';
import type { Tracing } from '../../src/obs/tracing.js';

/** Namespace every integration test's runs land in (Pod Security restricted, enforced). */
export const TEST_RUNNER_NAMESPACE = 'code-runner-test';

/**
 * The environment a test stack runs with: fast polls while the watch cannot wake a run, the default
 * fallback timer otherwise (so histories look as deployed), its own task queue, the test namespace.
 */
export function testEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    TEMPORAL_TASK_QUEUE: `test-${randomUUID().slice(0, 8)}`,
    RUNNER_NAMESPACE: TEST_RUNNER_NAMESPACE,
    POLL_INITIAL_MS: '300',
    POLL_MAX_MS: '5000',
    POLL_FACTOR: '1.5',
    START_TIMEOUT_SECONDS: '60',
    JOB_TTL_SECONDS: '600',
    // Quiet tests (request lines are info); worker processes' metrics listeners on free ports.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    METRICS_PORT: '0',
    ...overrides,
  };
}

export interface Stack {
  cfg: Config;
  env: NodeJS.ProcessEnv;
  client: Client;
  kube: KubeClients;
  app: Express;
  runs: RunsService;
  /** The keys, when the stack runs with API_KEYS=on (read from API_KEYS_SECRET in API_KEYS_NAMESPACE). */
  keys: RunningKeys | null;
  /**
   * A run worker on the stack's task queue, with the suite's workflow bundle unless given another;
   * `obs`: the metrics its runs and Kubernetes calls report to, and traces (with a traced bundle).
   */
  startWorker(workflowBundle?: WorkflowBundleOption, obs?: WorkerObs): Promise<RunningWorker>;
  close(): Promise<void>;
}

export interface WorkerObs {
  metrics?: WorkerMetrics;
  tracing?: Tracing | null;
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Where the audit lines go (default: nowhere, so suites' output stays readable). */
  audit?: AuditSink;
}

/**
 * A real stack in-process: real Temporal client, real Kubernetes, a real Worker, the real Express app.
 * With `API_KEYS: 'on'` in the overrides the app requires keys from the Secret the overrides name.
 */
export async function createStack(overrides: Record<string, string> = {}, opts: StackOptions = {}): Promise<Stack> {
  const env = testEnv(overrides);
  const cfg = loadConfig(env);
  const kube = createKubeClients(env);
  await ensureRunnerNamespace(kube, cfg.runner.namespace);
  // With an OTLP endpoint in the overrides, the client traces like the API's (the suite registers the provider).
  const client = await connectClient(cfg.temporal, { tracing: cfg.obs.otlpEndpoint !== undefined });
  const liveLogs = new LiveLogs(kube, cfg.runner.namespace, cfg.runner.logLimitBytes);
  const audit = opts.audit ?? (() => undefined);
  const runs = new RunsService(client, cfg, liveLogs, undefined, undefined, audit);
  const keys = cfg.keys.enabled ? await startKeys(cfg.keys, kube, () => undefined) : null;
  const app = createApp({
    cfg,
    runs,
    system: new SystemService(client, kube, cfg),
    audit,
    ...(keys ? { keys: keys.registry } : {}),
  });
  const workers: RunningWorker[] = [];
  const connections: NativeConnection[] = [];

  async function startWorker(
    workflowBundle: WorkflowBundleOption = { codePath: BUNDLE_PATH },
    obs: WorkerObs = {},
  ): Promise<RunningWorker> {
    const connection = await connectWorkerConnection(cfg.temporal);
    connections.push(connection);
    const workerKube = obs.metrics ? countKubeErrors(kube, obs.metrics.kubeErrors) : kube;
    const deps = activityDeps(cfg, workerKube, wakeRun(client));
    const worker = await createRunWorker({
      connection,
      namespace: cfg.temporal.namespace,
      taskQueue: cfg.temporal.taskQueue,
      concurrency: 50,
      maxCachedWorkflows: cfg.worker.maxCachedWorkflows,
      workflowStackTraces: cfg.worker.workflowStackTraces,
      activationLimitMs: cfg.worker.activationLimitMs,
      workflowBundle,
      deps,
      ...obs,
    });
    const running = worker.run();
    const w: RunningWorker = {
      worker,
      async stop() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await deps.watch.stop();
      },
    };
    workers.push(w);
    return w;
  }

  return {
    cfg,
    env,
    client,
    kube,
    app,
    runs,
    keys,
    startWorker,
    async close() {
      keys?.stop();
      // The admission workflow outlives its runs by design; a test's task queue has no worker after this.
      await client.workflow
        .getHandle(admissionWorkflowId(cfg.temporal.taskQueue))
        .terminate('test stack closed')
        .catch(() => undefined);
      // Worker processes (src/worker/main.ts) leave a sweeper schedule for the test's task queue.
      await removeSweepSchedule(client, cfg.temporal.taskQueue);
      for (const w of workers) await w.stop().catch(() => undefined);
      for (const c of connections) await c.close().catch(() => undefined);
      await client.connection.close();
    },
  };
}

/** Terminates runs a suite left open (queued with no worker to finish them); runs already gone are skipped. */
export async function terminateRuns(stack: Pick<Stack, 'client'>, runIds: Iterable<string>, reason: string) {
  for (const id of runIds)
    await stack.client.workflow
      .getHandle(id)
      .terminate(reason)
      .catch(() => undefined);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or the time runs out (then throws with the last value). */
export async function eventually<T>(
  fn: () => Promise<T>,
  timeoutMs: number,
  what: string,
  everyMs = 250,
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/** Runner objects of one run still in the cluster (Jobs, pods, ConfigMaps). */
export async function runnerObjects(kube: KubeClients, namespace: string, runId: string) {
  const labelSelector = `${RUNNER_SELECTOR},code-runner.dev/run-id=${runId}`;
  const [jobs, pods, cms] = await Promise.all([
    kube.batch.listNamespacedJob({ namespace, labelSelector }),
    kube.core.listNamespacedPod({ namespace, labelSelector }),
    kube.core.listNamespacedConfigMap({ namespace, labelSelector }),
  ]);
  return { jobs: jobs.items, pods: pods.items, configMaps: cms.items };
}

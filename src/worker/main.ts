import { hostname } from 'node:os';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../config/config.js';
import { activityDeps } from '../activities/index.js';
import { createKubeClients } from '../kube/client.js';
import { ensureRunnerNamespace } from '../kube/namespace.js';
import { connectClient, connectWorkerConnection } from '../temporal/connection.js';
import { ensureSweepSchedule } from '../temporal/sweep-schedule.js';
import { wakeRun } from '../temporal/wake.js';
import { announce, createLogger, errorMessage, type Logger } from '../obs/logger.js';
import { countKubeErrors } from '../obs/kube-errors.js';
import { listen, metricsServer } from '../obs/metrics-server.js';
import { queueDepthReader } from '../obs/queue-depth.js';
import { installRuntime } from '../obs/sdk-runtime.js';
import { startTracing } from '../obs/tracing.js';
import { WorkerMetrics } from '../obs/worker-metrics.js';
import { createRunWorker } from './worker.js';

/** Worker entry point: load config, connect once, wire, run until SIGINT/SIGTERM. */
async function main(log: Logger): Promise<void> {
  const cfg = loadConfig();
  log.level = cfg.logLevel;
  const sdkMetricsUrl = await installRuntime(log, cfg.obs.sdkMetrics);
  const tracing = startTracing(cfg.obs, 'code-runner-worker');
  const metrics = new WorkerMetrics();
  const kube = countKubeErrors(createKubeClients(), metrics.kubeErrors);
  await ensureRunnerNamespace(kube, cfg.runner.namespace);
  const connection = await connectWorkerConnection(cfg.temporal);
  const client = await connectClient(cfg.temporal, { errors: metrics.temporalErrors, tracing: tracing !== null });
  metrics.readQueueFrom(queueDepthReader(client, cfg.temporal));
  const deps = activityDeps(cfg, kube, wakeRun(client));
  let running = false;
  const server = metricsServer({ metrics, healthy: () => running, ...(sdkMetricsUrl ? { sdkMetricsUrl } : {}) });
  try {
    const worker = await createRunWorker({
      connection,
      namespace: cfg.temporal.namespace,
      taskQueue: cfg.temporal.taskQueue,
      concurrency: cfg.worker.concurrency,
      maxCachedWorkflows: cfg.worker.maxCachedWorkflows,
      workflowStackTraces: cfg.worker.workflowStackTraces,
      activationLimitMs: cfg.worker.activationLimitMs,
      ...(cfg.worker.bundlePath ? { workflowBundle: { codePath: cfg.worker.bundlePath } } : {}),
      identity: `worker@${hostname()}:${process.pid}`,
      deps,
      metrics,
      tracing,
    });
    // Metrics are not worth a dead worker: a port in use is logged, the runs go on.
    const metricsPort = await listen(server, cfg.obs.metricsPort, cfg.http.host).catch((err: unknown) => {
      log.error({ err: errorMessage(err), port: cfg.obs.metricsPort }, 'worker: metrics listener failed');
      return null;
    });
    running = true;
    announce(
      log,
      {
        temporal: cfg.temporal.address,
        namespace: cfg.temporal.namespace,
        queue: cfg.temporal.taskQueue,
        kube: kube.origin,
        metrics_port: metricsPort,
        tracing: tracing !== null,
      },
      `worker: polling ${cfg.temporal.address} namespace=${cfg.temporal.namespace} queue=${cfg.temporal.taskQueue}`,
    );
    await ensureSweeper(log, client, cfg.temporal.taskQueue);
    await worker.run();
  } finally {
    running = false;
    server.close();
    await deps.watch.stop();
    await client.connection.close();
    await connection.close();
    await tracing?.shutdown();
  }
}

/** The durable leak sweeper (a Temporal Schedule); a failure here is logged, never fatal. */
async function ensureSweeper(log: Logger, client: Client, taskQueue: string): Promise<void> {
  try {
    const id = await ensureSweepSchedule(client, taskQueue);
    log.info({ schedule: id }, 'worker: leak sweeper schedule in place');
  } catch (err) {
    log.error({ err: errorMessage(err) }, 'worker: could not ensure the leak sweeper schedule');
  }
}

const log = createLogger('info', 'worker');
main(log).catch((err: unknown) => {
  log.fatal({ err: errorMessage(err) }, `worker: ${errorMessage(err)}`);
  process.exit(1);
});

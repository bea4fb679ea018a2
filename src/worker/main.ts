import { hostname } from 'node:os';
import { loadConfig } from '../config/config.js';
import { activityDeps } from '../activities/index.js';
import { createKubeClients } from '../kube/client.js';
import { ensureRunnerNamespace } from '../kube/namespace.js';
import { connectClient, connectWorkerConnection } from '../temporal/connection.js';
import { ensureSweepSchedule } from '../temporal/sweep-schedule.js';
import { wakeRun } from '../temporal/wake.js';
import type { Client } from '@temporalio/client';
import { createRunWorker } from './worker.js';

/** Worker entry point: load config, connect once, wire, run until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const cfg = loadConfig();
  const kube = createKubeClients();
  await ensureRunnerNamespace(kube, cfg.runner.namespace);
  const connection = await connectWorkerConnection(cfg.temporal);
  const client = await connectClient(cfg.temporal);
  const deps = activityDeps(cfg, kube, wakeRun(client));
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
    });
    console.log(
      `worker: polling ${cfg.temporal.address} namespace=${cfg.temporal.namespace} queue=${cfg.temporal.taskQueue}; kube=${kube.origin}`,
    );
    await ensureSweeper(client, cfg.temporal.taskQueue);
    await worker.run();
  } finally {
    await deps.watch.stop();
    await client.connection.close();
    await connection.close();
  }
}

/** The durable leak sweeper (a Temporal Schedule); a failure here is logged, never fatal. */
async function ensureSweeper(client: Client, taskQueue: string): Promise<void> {
  try {
    const id = await ensureSweepSchedule(client, taskQueue);
    console.log(`worker: leak sweeper schedule ${id} in place`);
  } catch (err) {
    console.error(
      `worker: could not ensure the leak sweeper schedule: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(`worker: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

import { hostname } from 'node:os';
import { loadConfig } from '../config/config.js';
import { activityDeps } from '../activities/index.js';
import { createKubeClients } from '../kube/client.js';
import { ensureRunnerNamespace } from '../kube/namespace.js';
import { connectWorkerConnection } from '../temporal/connection.js';
import { createRunWorker } from './worker.js';

/** Worker entry point: load config, connect once, wire, run until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const cfg = loadConfig();
  const kube = createKubeClients();
  await ensureRunnerNamespace(kube, cfg.runner.namespace);
  const connection = await connectWorkerConnection(cfg.temporal);
  try {
    const worker = await createRunWorker({
      connection,
      namespace: cfg.temporal.namespace,
      taskQueue: cfg.temporal.taskQueue,
      concurrency: cfg.worker.concurrency,
      ...(cfg.worker.bundlePath ? { workflowBundle: { codePath: cfg.worker.bundlePath } } : {}),
      identity: `worker@${hostname()}:${process.pid}`,
      deps: activityDeps(cfg, kube),
    });
    console.log(
      `worker: polling ${cfg.temporal.address} namespace=${cfg.temporal.namespace} queue=${cfg.temporal.taskQueue}; kube=${kube.source}`,
    );
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(`worker: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

import { createRequire } from 'node:module';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';

const require = createRequire(import.meta.url);

/** Path of the compiled workflows module; the worker bundles it (or takes a pre-built bundle). */
export const workflowsPath = (): string => require.resolve('../workflows/index.js');

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  concurrency: number;
  /** Workflows kept in memory between tasks (~80 KB each, measured); evicted ones are replayed. */
  maxCachedWorkflows: number;
  workflowBundle?: WorkflowBundleOption;
  identity?: string;
}

/** Builds the run worker; the caller owns the connection and calls run()/shutdown(). */
export async function createRunWorker(o: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: createActivities(o.deps),
    ...(o.workflowBundle ? { workflowBundle: o.workflowBundle } : { workflowsPath: workflowsPath() }),
    maxConcurrentActivityTaskExecutions: o.concurrency,
    maxConcurrentLocalActivityExecutions: o.concurrency,
    // The SDK wants no more concurrent workflow tasks than cached workflows.
    maxConcurrentWorkflowTaskExecutions: Math.max(2, Math.min(o.concurrency, 100, o.maxCachedWorkflows || 100)),
    maxCachedWorkflows: o.maxCachedWorkflows,
    ...(o.identity ? { identity: o.identity } : {}),
  });
}

import { createRequire } from 'node:module';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { UNBOUNDED_MS, dropUnboundedTimeouts } from './activation-limit.js';
import { disableWorkflowStackTraces } from './stack-traces.js';
import type { Context } from '@temporalio/activity';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import { WorkerMetrics } from '../obs/worker-metrics.js';
import type { Tracing } from '../obs/tracing.js';

const require = createRequire(import.meta.url);

/** Path of the compiled workflows module; the worker bundles it (or takes a pre-built bundle). */
export const workflowsPath = (): string => require.resolve('../workflows/index.js');

const preloadModules = () => ['@temporalio/workflow', workflowsPath()];

/**
 * The workflow side of the traces (Temporal's OpenTelemetry workflow interceptors). Only traced bundles
 * carry it, and it is not preloaded: its tracer and context are per workflow.
 */
export const tracingInterceptorsPath = (): string =>
  require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/**
 * How every bundle of the workflows is built (the worker's own, the pre-built one, the tests').
 * `preloadModules` evaluates the workflow modules and the SDK's API once, in the shared V8 context,
 * instead of once per cached workflow: they hold no module-level state (only definitions and activity
 * proxies), so sharing them is safe, and each cached workflow then costs its activator and its own
 * variables only (docs/benchmarks.md, fifth round).
 */
export const bundlerOptions = (o: { traced?: boolean } = {}) => ({
  workflowsPath: workflowsPath(),
  preloadModules: preloadModules(),
  ...(o.traced ? { workflowInterceptorModules: [tracingInterceptorsPath()] } : {}),
});

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  concurrency: number;
  /** Workflows kept in memory between tasks; evicted ones are replayed from history. */
  maxCachedWorkflows: number;
  /** Keep the SDK's workflow stack traces (costly; src/worker/stack-traces.ts). Off: for the whole process. */
  workflowStackTraces?: boolean;
  /** A workflow activation longer than this fails its task; 0 or absent: no limit (activation-limit.ts). */
  activationLimitMs?: number;
  /** A pre-built bundle; with `tracing`, it must be a traced one (`bundlerOptions({ traced: true })`). */
  workflowBundle?: WorkflowBundleOption;
  identity?: string;
  /** Where the runs' metric sinks land (default: metrics of this worker's own, unexposed). */
  metrics?: WorkerMetrics;
  /** Trace workflows and activities (src/obs/tracing.ts); absent: no tracing code runs. */
  tracing?: Tracing | null;
}

/**
 * Workflows run on the worker's main thread, in the SDK's reusable V8 context, not in a worker thread
 * of their own: one V8 isolate instead of two (the second one loads the SDK and its protobuf
 * definitions again) and no message passing per activation: less memory, the same CPU
 * (docs/benchmarks.md, fifth round). The SDK reaches this through its `debugMode`, which also lifts the
 * activation time limit (to 49.7 days); `activationLimitMs` sets one (`isolateExecutionTimeout`, an option
 * the SDK accepts but does not declare), so a workflow stuck in a loop fails its task instead of hanging
 * the worker (test/integration/worker.test.ts). Without one, no watchdog thread per call either.
 */
function onMainThread(activationLimitMs = 0) {
  if (activationLimitMs > 0) return { debugMode: true, isolateExecutionTimeout: activationLimitMs };
  dropUnboundedTimeouts();
  return { debugMode: true, isolateExecutionTimeout: UNBOUNDED_MS };
}

/** Builds the run worker; the caller owns the connection and calls run()/shutdown(). */
export async function createRunWorker(o: WorkerOptions): Promise<Worker> {
  if (!o.workflowStackTraces) disableWorkflowStackTraces();
  const t = o.tracing;
  return Worker.create({
    ...onMainThread(o.activationLimitMs),
    connection: o.connection,
    namespace: o.namespace,
    taskQueue: o.taskQueue,
    activities: createActivities(o.deps),
    ...(o.workflowBundle
      ? { workflowBundle: o.workflowBundle }
      : { workflowsPath: workflowsPath(), bundlerOptions: { preloadModules: preloadModules() } }),
    sinks: {
      ...(o.metrics ?? new WorkerMetrics()).sinks(),
      ...(t ? { exporter: makeWorkflowExporter(t.processor, t.resource) } : {}),
    },
    ...(t
      ? {
          interceptors: {
            // A pre-built bundle carries them already (bundlerOptions({ traced: true })).
            ...(o.workflowBundle ? {} : { workflowModules: [tracingInterceptorsPath()] }),
            activity: [
              (ctx: Context) => ({
                inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
                outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
              }),
            ],
          },
        }
      : {}),
    maxConcurrentActivityTaskExecutions: o.concurrency,
    maxConcurrentLocalActivityExecutions: o.concurrency,
    // The SDK wants no more concurrent workflow tasks than cached workflows.
    maxConcurrentWorkflowTaskExecutions: Math.max(2, Math.min(o.concurrency, 100, o.maxCachedWorkflows || 100)),
    maxCachedWorkflows: o.maxCachedWorkflows,
    ...(o.identity ? { identity: o.identity } : {}),
  });
}

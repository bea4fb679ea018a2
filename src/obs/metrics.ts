import { Counter, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What both processes count: calls to Temporal and to the Kubernetes API that failed. Each process has
 * its own registry (the API's, the worker's), so one test process can hold both apart.
 */
export class BaseMetrics {
  readonly registry = new Registry();
  /** Failed Temporal gRPC calls, by method (StartWorkflowExecution, ...) and gRPC status name. */
  readonly temporalErrors: Counter<'method' | 'code'>;
  /** Failed Kubernetes API calls, by client method (createNamespacedJob, ...) and HTTP status (or "network"). */
  readonly kubeErrors: Counter<'operation' | 'code'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.temporalErrors = new Counter({
      name: 'code_runner_temporal_errors_total',
      help: 'Temporal client calls that failed, by gRPC method and status',
      labelNames: ['method', 'code'],
      registers: [this.registry],
    });
    this.kubeErrors = new Counter({
      name: 'code_runner_kube_errors_total',
      help: 'Kubernetes API calls that failed, by client operation and HTTP status',
      labelNames: ['operation', 'code'],
      registers: [this.registry],
    });
  }

  /** The Prometheus text exposition of this registry. */
  async exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Seconds buckets for run-level times: a hello world is ~1 s, a queued run can wait minutes. */
export const RUN_SECONDS_BUCKETS = [0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300, 600, 1800];

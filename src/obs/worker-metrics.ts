import { Counter, Gauge, Histogram } from 'prom-client';
import type { InjectedSinks } from '@temporalio/worker';
import type { RunMetricsSinks } from '../workflows/metrics-sink.js';
import { BaseMetrics, RUN_SECONDS_BUCKETS } from './metrics.js';

import type { QueueDepth } from '../temporal/visibility.js';

/** The worker process's metrics: how runs end, how long they take and wait, and the queue. */
export class WorkerMetrics extends BaseMetrics {
  readonly runsFinished = new Counter({
    name: 'code_runner_runs_finished_total',
    help: 'Runs that reached a final status, by status, language and tenant',
    labelNames: ['status', 'language', 'tenant'],
    registers: [this.registry],
  });
  readonly runDuration = new Histogram({
    name: 'code_runner_run_duration_seconds',
    help: 'Time from the API accepting a run to its final status, by language',
    labelNames: ['language'],
    buckets: RUN_SECONDS_BUCKETS,
    registers: [this.registry],
  });
  readonly admissionWait = new Histogram({
    name: 'code_runner_admission_wait_seconds',
    help: 'Time from the API accepting a run to the run getting its slot (queued time), by language',
    labelNames: ['language'],
    buckets: RUN_SECONDS_BUCKETS,
    registers: [this.registry],
  });
  private queueReader?: () => Promise<QueueDepth>;

  constructor() {
    super();
    const read = async (): Promise<QueueDepth | null> => (this.queueReader ? this.queueReader() : null);
    new Gauge({
      name: 'code_runner_queue_depth',
      help: "Open runs of this deployment's task queue: queued (waiting for a slot) and running (holding one)",
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const q = await read().catch(() => null);
        if (!q) return;
        this.set({ state: 'queued' }, q.queued);
        this.set({ state: 'running' }, q.running);
      },
    });
  }

  /** Where the queue-depth gauge reads its numbers at scrape time (absent: the gauge stays empty). */
  readQueueFrom(reader: () => Promise<QueueDepth>): void {
    this.queueReader = reader;
  }

  /** The worker's side of the run workflow's metric sinks (never called during replay). */
  sinks(): InjectedSinks<RunMetricsSinks> {
    return {
      runMetrics: {
        admitted: {
          fn: (_info, e) => this.admissionWait.observe({ language: e.language }, e.waitMs / 1000),
          callDuringReplay: false,
        },
        finished: {
          fn: (_info, e) => {
            this.runsFinished.inc({ status: e.status, language: e.language, tenant: e.tenant });
            this.runDuration.observe({ language: e.language }, e.durationMs / 1000);
          },
          callDuringReplay: false,
        },
      },
    };
  }
}

import { ListWatch, Watch, type V1Job, type V1Pod } from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { LABEL_RUN_ID, RUNNER_SELECTOR } from '../domain/names.js';

/**
 * One list-watch per worker on the runner Jobs and pods of the namespace (not one request per poll per
 * run; pods only when the sandboxes are bare Pods): a run's observation is read from this cache, and
 * listeners hear of every event of a run (to wake its workflow early). Reconnects by itself (client-node's ListWatch);
 * until the first list completes, callers read the API server directly.
 */
export class RunWatch {
  private jobs?: ListWatch<V1Job>;
  private pods?: ListWatch<V1Pod>;
  private readonly podsByRun = new Map<string, Map<string, V1Pod>>();
  private readonly listeners: ((runId: string) => void)[] = [];
  /** Watches not (or no longer) cleanly started: the cache is in use only when there are none. */
  private readonly down = new Set<ListWatch<V1Job | V1Pod>>();
  /** Watches that failed since their current start began. */
  private readonly failed = new Set<ListWatch<V1Job | V1Pod>>();
  private starting?: Promise<void>;
  private ready = false;
  private stopped = false;

  constructor(
    private readonly kube: KubeClients,
    private readonly namespace: string,
    /** Follow Jobs as well as pods (the sandbox's `watchesJobs`). */
    private readonly withJobs = true,
  ) {}

  /** Starts both watches once; later calls wait for the same start. */
  start(): Promise<void> {
    this.starting ??= this.open().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  private async open(): Promise<void> {
    const { kc, core, batch } = this.kube;
    const ns = this.namespace;
    const watch = new Watch(kc);
    if (this.withJobs)
      this.jobs = new ListWatch<V1Job>(
        `/apis/batch/v1/namespaces/${ns}/jobs`,
        watch,
        () => batch.listNamespacedJob({ namespace: ns, labelSelector: RUNNER_SELECTOR }),
        false,
        RUNNER_SELECTOR,
      );
    this.pods = new ListWatch<V1Pod>(
      `/api/v1/namespaces/${ns}/pods`,
      watch,
      () => core.listNamespacedPod({ namespace: ns, labelSelector: RUNNER_SELECTOR }),
      false,
      RUNNER_SELECTOR,
    );
    for (const verb of ['add', 'update'] as const) {
      this.jobs?.on(verb, (j) => this.wake(runOf(j)));
      this.pods.on(verb, (p) => this.putPod(p));
    }
    this.jobs?.on('delete', (j) => this.wake(runOf(j)));
    this.pods.on('delete', (p) => this.dropPod(p));
    const watches = [this.jobs, this.pods].filter((lw) => lw !== undefined) as ListWatch<V1Job | V1Pod>[];
    // ListWatch retries dropped connections itself but stops on other errors: restart it, and read the
    // API server directly until every watch is back.
    for (const lw of watches) {
      this.down.add(lw);
      lw.on('error', () => {
        this.failed.add(lw);
        this.down.add(lw);
        this.ready = false;
        if (this.stopped) return;
        setTimeout(() => {
          if (!this.stopped) void this.startWatch(lw);
        }, RESTART_DELAY_MS).unref();
      });
    }
    await Promise.all(watches.map((lw) => this.startWatch(lw)));
  }

  /**
   * ListWatch.start() resolves whether or not its list and watch succeeded; a failure calls the error
   * handler first, which marks the watch failed and schedules the next try. Only a clean start counts, and
   * the cache is used once every watch has had one (both lists loaded).
   */
  private async startWatch(lw: ListWatch<V1Job | V1Pod>): Promise<void> {
    this.failed.delete(lw);
    await lw.start();
    if (this.failed.has(lw)) return;
    this.down.delete(lw);
    this.resync();
  }

  private resync(): void {
    if (!this.pods || this.down.size > 0) return;
    for (const p of this.pods.list(this.namespace)) this.putPod(p);
    this.ready = true;
  }

  /** Whether observations come from the watch cache (true) or must be read from the API server. */
  get synced(): boolean {
    return this.ready;
  }

  /** The cached Job (Job mode) and pods of a run; undefined while the watch is not synced. */
  snapshot(runId: string, jobName: string): RunSnapshot | undefined {
    if (!this.ready || !this.pods) return undefined;
    return {
      job: this.jobs?.get(jobName, this.namespace),
      pods: [...(this.podsByRun.get(runId)?.values() ?? [])],
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.ready = false;
    await Promise.all([this.jobs?.stop(), this.pods?.stop()]);
    this.starting = undefined;
  }

  private putPod(p: V1Pod): void {
    const runId = runOf(p);
    if (!runId) return;
    const pods = this.podsByRun.get(runId) ?? new Map<string, V1Pod>();
    pods.set(p.metadata?.name ?? '', p);
    this.podsByRun.set(runId, pods);
    this.wake(runId);
  }

  private dropPod(p: V1Pod): void {
    const runId = runOf(p);
    const pods = this.podsByRun.get(runId);
    pods?.delete(p.metadata?.name ?? '');
    if (pods?.size === 0) this.podsByRun.delete(runId);
    this.wake(runId);
  }

  /** Calls `fn` with the run id of every event on a runner Job or pod. */
  onChange(fn: (runId: string) => void): void {
    this.listeners.push(fn);
  }

  private wake(runId: string): void {
    for (const fn of this.listeners) fn(runId);
  }
}

/** What the cache holds of one run: its Job (when Jobs are watched) and its pods. */
export interface RunSnapshot {
  job: V1Job | undefined;
  pods: V1Pod[];
}

const RESTART_DELAY_MS = 1000;
const runOf = (o: V1Job | V1Pod): string => o.metadata?.labels?.[LABEL_RUN_ID] ?? '';

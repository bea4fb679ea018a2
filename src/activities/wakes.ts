import type { RunWatch } from '../kube/run-watch.js';
import { isTerminal, type Observation } from '../domain/run.js';

interface Armed {
  status: Observation['status'];
  held: boolean;
  timeoutSeconds: number;
  /** The sandbox was in the watch's cache since the wake was armed (so leaving it means it was deleted). */
  seen?: boolean;
  settle?: NodeJS.Timeout;
}

/**
 * Early wake-ups: after a status poll, the worker's watch signals the run's workflow once, at the run's
 * next change, so the workflow's timer is only the fallback (a missed event or a dead watch costs at most
 * one poll interval). A fresh Running waits `settleMs` first, so a short run wakes its workflow once.
 * A wake is armed per run on the worker that polled it; another worker's timer-paced poll re-arms it.
 */
export class RunWakes {
  private readonly armed = new Map<string, Armed>();

  constructor(
    private readonly watch: RunWatch,
    private readonly notify: ((runId: string) => Promise<void>) | undefined,
    private readonly settleMs: number,
    private readonly observe: (runId: string, timeoutSeconds: number) => Observation | undefined,
  ) {
    watch.onChange((runId) => this.changed(runId));
  }

  /** Arms a wake for the run's next change from `seen`; false when no wake can come (no sink, no watch). */
  arm(runId: string, seen: Observation, timeoutSeconds: number): boolean {
    this.disarm(runId);
    if (!this.notify || !this.watch.synced) return false;
    this.armed.set(runId, {
      status: seen.status,
      held: seen.held === true,
      timeoutSeconds,
    });
    this.changed(runId); // a change between the read and now
    return true;
  }

  disarm(runId: string): void {
    clearTimeout(this.armed.get(runId)?.settle);
    this.armed.delete(runId);
  }

  private changed(runId: string): void {
    const a = this.armed.get(runId);
    if (!a) return;
    const o = this.observe(runId, a.timeoutSeconds);
    // Not in the cache: not there yet (just created), or gone (deleted behind our back): wake for the latter.
    if (!o) return a.seen ? this.fire(runId) : undefined;
    a.seen = true;
    if (o.status === a.status && (o.held === true) === a.held) return;
    if (o.status === 'Running' && !isTerminal(a.status) && this.settleMs > 0) {
      a.settle ??= setTimeout(() => this.fire(runId), this.settleMs);
      return;
    }
    this.fire(runId);
  }

  private fire(runId: string): void {
    this.disarm(runId);
    void this.notify?.(runId).catch(() => undefined); // a finished workflow takes no signal: nothing to wake
  }
}

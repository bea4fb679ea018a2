import type { Observation, RunStatus } from './run.js';

/** Pure: what a run does after each look at its sandbox. No clocks, no I/O: the workflow passes time in. */

export interface PollPolicy {
  /**
   * Timers between polls: from initialMs, growing by factor to maxMs; fallbackMs while the worker's watch
   * will wake the run at its next change (so a missed event or a dead watch costs at most that long).
   */
  poll: { initialMs: number; maxMs: number; factor: number; fallbackMs: number };
  /** A pod not running after this long fails the run. */
  startTimeoutSeconds: number;
}

export type Next =
  /** The run is over: this status and reason. */
  | { kind: 'verdict'; status: RunStatus; reason: string }
  /** Still Pending or Running: show this status, poll again after waitMs (or at a wake-up). */
  | { kind: 'wait'; status: 'Pending' | 'Running'; waitMs: number; nextIntervalMs: number };

/** Last resort if the Job's own deadline is not enforced (node lost, controller down). */
export const hardLimitMs = (timeoutSeconds: number, p: PollPolicy): number =>
  (timeoutSeconds + p.startTimeoutSeconds + 60) * 1000;

/**
 * The next step from an observation, `elapsedMs` since the sandbox was created, and the current backoff
 * interval. Guards: the start timeout while Pending, the hard limit always; a wait never passes the next one.
 */
export function nextStep(
  o: Observation & { wakeArmed?: boolean },
  at: { elapsedMs: number; intervalMs: number; timeoutSeconds: number },
  p: PollPolicy,
): Next {
  if (o.vanished) return { kind: 'verdict', status: 'Failed', reason: o.reason ?? 'Job vanished' };
  if (o.status !== 'Pending' && o.status !== 'Running')
    return { kind: 'verdict', status: o.status, reason: o.reason ?? o.status };
  const startMs = p.startTimeoutSeconds * 1000;
  const hardMs = hardLimitMs(at.timeoutSeconds, p);
  if (o.status === 'Pending' && at.elapsedMs >= startMs)
    return {
      kind: 'verdict',
      status: 'Failed',
      reason: `did not start within ${p.startTimeoutSeconds}s: ${o.reason ?? 'pending'}`,
    };
  if (at.elapsedMs >= hardMs)
    return {
      kind: 'verdict',
      status: 'Failed',
      reason: 'run exceeded its hard limit without a verdict from Kubernetes',
    };
  const guardMs = (o.status === 'Pending' ? startMs : hardMs) - at.elapsedMs;
  const timerMs = o.wakeArmed ? p.poll.fallbackMs : at.intervalMs;
  return {
    kind: 'wait',
    status: o.status,
    waitMs: Math.max(1, Math.min(timerMs, guardMs)),
    nextIntervalMs: Math.min(Math.round(at.intervalMs * p.poll.factor), p.poll.maxMs),
  };
}

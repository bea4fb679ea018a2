import type { Run, RunStatus } from './types.js';

/** Statuses a run can still leave; the others are final. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['Queued', 'Pending', 'Running'];
export const FINAL_STATUSES: readonly RunStatus[] = ['Succeeded', 'Failed', 'Timeout', 'OOMKilled', 'Cancelled'];
export const isFinal = (s: RunStatus): boolean => FINAL_STATUSES.includes(s);

/** Colour family of a status badge (a CSS class suffix). */
export type Tone = 'neutral' | 'info' | 'progress' | 'success' | 'danger' | 'warning' | 'memory' | 'muted';

interface StatusInfo {
  label: string;
  tone: Tone;
  /** One sentence a person understands. */
  meaning: string;
}

export const STATUS_INFO: Record<RunStatus, StatusInfo> = {
  Queued: { label: 'Queued', tone: 'neutral', meaning: 'Waiting in the queue for a worker to pick it up.' },
  Pending: {
    label: 'Pending',
    tone: 'info',
    meaning: 'A sandbox was requested; Kubernetes is placing it on a node and starting its container.',
  },
  Running: { label: 'Running', tone: 'progress', meaning: 'The program is running in its sandbox.' },
  Succeeded: { label: 'Succeeded', tone: 'success', meaning: 'The program finished normally (exit code 0).' },
  Failed: { label: 'Failed', tone: 'danger', meaning: 'The program did not finish successfully.' },
  Timeout: {
    label: 'Timed out',
    tone: 'warning',
    meaning: 'The program ran longer than its time limit and was stopped.',
  },
  OOMKilled: {
    label: 'Out of memory',
    tone: 'memory',
    meaning: 'The program used more memory than its limit and was stopped by the kernel.',
  },
  Cancelled: { label: 'Cancelled', tone: 'muted', meaning: 'The run was cancelled before it finished.' },
};

/** The steps of the timeline: the three active statuses, then the run's final status. */
export interface TimelineStep {
  status: RunStatus;
  label: string;
  state: 'done' | 'current' | 'upcoming' | 'skipped';
}

/**
 * The statuses a run went through. The API gives no per-status timestamps, so the reached steps are
 * inferred: a run that has started_at was Running, one that has a pod or a later status was Pending.
 */
export function timeline(run: Pick<Run, 'status' | 'pod_name' | 'started_at'>): TimelineStep[] {
  const order: RunStatus[] = ['Queued', 'Pending', 'Running'];
  const final = isFinal(run.status);
  const at = order.indexOf(run.status);
  const reachedPending = at >= 1 || run.pod_name !== null || (final && run.started_at !== null);
  const reachedRunning = at >= 2 || run.started_at !== null;
  const reached = [true, reachedPending, reachedRunning];
  const steps: TimelineStep[] = order.map((status, i) => {
    let state: TimelineStep['state'];
    if (!final) state = i < at ? 'done' : i === at ? 'current' : 'upcoming';
    else state = reached[i] ? 'done' : 'skipped';
    return { status, label: STATUS_INFO[status].label, state };
  });
  steps.push(
    final
      ? { status: run.status, label: STATUS_INFO[run.status].label, state: 'current' }
      : { status: run.status, label: 'Finished', state: 'upcoming' },
  );
  return steps;
}

const SIGNALS: Record<string, string> = {
  SIGSEGV: 'it touched memory it was not allowed to (a segmentation fault)',
  SIGKILL: 'it was killed forcibly',
  SIGABRT: 'it aborted itself, often after a failed assertion',
  SIGFPE: 'of an arithmetic error such as a division by zero',
  SIGTERM: 'it was asked to stop',
  SIGILL: 'it ran an illegal CPU instruction',
};

/**
 * Explains a run's reason (the raw text Kubernetes and the workflow give) in plain words.
 * Returns the status's own meaning when the reason adds nothing a person could use.
 */
export function explainReason(run: Pick<Run, 'status' | 'reason' | 'exit_code' | 'timeout_seconds'>): string {
  const reason = run.reason ?? '';
  let m: RegExpMatchArray | null;
  if ((m = reason.match(/exit code (\d+) \(killed by (SIG[A-Z]+)\)/)))
    return `The program was stopped by the signal ${m[2]} (exit code ${m[1]}): ${SIGNALS[m[2] ?? ''] ?? 'the system stopped it'}.`;
  if (/^exit code 0$/.test(reason)) return STATUS_INFO.Succeeded.meaning;
  if ((m = reason.match(/^exit code (\d+)$/)))
    return `The program ended with exit code ${m[1]}, which means it reported an error (an uncaught exception usually gives 1). Its output says why.`;
  if ((m = reason.match(/time limit of (\d+)s exceeded/)))
    return `The program was still running when its ${m[1]}-second time limit ran out, so it was stopped. Make it faster or give it a longer timeout.`;
  if (/(Job|pod) deadline exceeded/.test(reason))
    return 'The run did not finish within its time limit (counting the time the sandbox took to start), so Kubernetes stopped it.';
  if (/memory limit exceeded|OOMKilled/.test(reason))
    return `${STATUS_INFO.OOMKilled.meaning} Use less memory (smaller data, streaming instead of loading everything).`;
  if (/ErrImageNeverPull|ErrImagePull|ImagePullBackOff|InvalidImageName|image .* is not available/.test(reason))
    return 'The sandbox image for this language is missing on the node, so the program never started. An operator has to build and load the runner images (scripts/images.sh).';
  if ((m = reason.match(/did not start within (\d+)s/)))
    return `The sandbox did not start within ${m[1]} seconds (no node had room, or its image could not be started), so the run was given up.`;
  if (/container could not start/.test(reason))
    return `Kubernetes could not start the sandbox container, so the program never ran (${reason.replace(/^container could not start:\s*/, '')}).`;
  if (/waiting for a node/.test(reason))
    return 'No node has room for the sandbox yet; it starts as soon as capacity frees up.';
  if (/^(ContainerCreating|PodInitializing)$/.test(reason)) return 'Kubernetes is starting the sandbox container.';
  if (/cancelled by request/.test(reason))
    return 'Someone cancelled the run (the Cancel button, or DELETE /runs/{id}); its sandbox was removed.';
  if (/cancelled through Temporal|workflow cancelled/.test(reason))
    return 'The run’s workflow was cancelled in Temporal (for example from the Temporal Web UI or CLI).';
  if (/(Job|pod) disappeared|Job vanished/.test(reason))
    return 'The run’s Kubernetes sandbox (its Job or pod) was deleted by something outside Code Runner, so its result is unknown.';
  if (/hard limit/.test(reason))
    return 'Kubernetes never reported a result for this run in time, so Code Runner gave it up.';
  if (/^workflow (terminated|timed_out|failed)/.test(reason))
    return 'The run’s workflow was stopped in Temporal (terminated or failed) before it recorded a result.';
  if (/^pod failed|^Job failed/.test(reason))
    return `Kubernetes reported that the sandbox failed: ${reason.replace(/^(pod|Job) failed:\s*/, '') || 'no details given'}.`;
  if (run.status === 'Failed' && run.exit_code !== null && run.exit_code !== 0)
    return `The program ended with exit code ${run.exit_code}, which means it reported an error.`;
  return STATUS_INFO[run.status].meaning;
}

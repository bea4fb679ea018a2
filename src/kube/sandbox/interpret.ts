import type { V1Job, V1Pod } from '@kubernetes/client-node';
import type { Observation } from '../../domain/run.js';
import { RUN_CONTAINER, TIMEOUT_EXIT_CODE } from './manifests.js';

/** Pure: turns a run's sandbox (a Job and its pods, or a bare Pod) into its status and a reason in words. */

const IMAGE_ERRORS = new Set(['ErrImageNeverPull', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']);
const CONFIG_ERRORS = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);
const SIGNALS: Record<number, string> = {
  4: 'SIGILL',
  6: 'SIGABRT',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  15: 'SIGTERM',
};

const iso = (d: Date | string | undefined): string | undefined =>
  d === undefined ? undefined : d instanceof Date ? d.toISOString() : new Date(d).toISOString();

export function describeExit(code: number): string {
  if (code > 128 && SIGNALS[code - 128]) return `exit code ${code} (killed by ${SIGNALS[code - 128]})`;
  return `exit code ${code}`;
}

function newestPod(pods: V1Pod[]): V1Pod | undefined {
  return [...pods].sort(
    (a, b) =>
      new Date(b.metadata?.creationTimestamp ?? 0).getTime() - new Date(a.metadata?.creationTimestamp ?? 0).getTime(),
  )[0];
}

/** A run in Job mode: its Job (null once gone) and the Job's pods (the newest one counts). */
export function interpret(job: V1Job | null, pods: V1Pod[], timeoutSeconds: number): Observation {
  if (!job) return vanished('Job');
  const pod = newestPod(pods);
  const queued = job.spec?.suspend && !pod ? 'the Job is suspended, waiting for admission by Kueue' : undefined;
  return interpretSandbox(pod, timeoutSeconds, jobFailure(job), queued);
}

/** A run in Pod mode: its bare Pod (null once gone). */
export function interpretPod(pod: V1Pod | null, timeoutSeconds: number): Observation {
  if (!pod) return vanished('pod');
  const gates = (pod.spec?.schedulingGates ?? []).map((g) => g.name);
  const queued = gates.length > 0 ? `the pod is gated, waiting for admission (${gates.join(', ')})` : undefined;
  return interpretSandbox(pod, timeoutSeconds, podFailure(pod), queued);
}

const vanished = (what: 'Job' | 'pod'): Observation => ({
  status: 'Failed',
  vanished: true,
  reason: `the run’s ${what} disappeared (deleted outside Code Runner)`,
});

type Failure = Pick<Observation, 'status' | 'finishedAt' | 'reason'>;

function jobFailure(job: V1Job): Failure | undefined {
  const failed = job.status?.conditions?.find(
    (c) => (c.type === 'Failed' || c.type === 'FailureTarget') && c.status === 'True',
  );
  if (!failed) return undefined;
  const finishedAt = iso(failed.lastTransitionTime);
  if (failed.reason === 'DeadlineExceeded')
    return {
      status: 'Timeout',
      finishedAt,
      reason: `Job deadline exceeded (${job.spec?.activeDeadlineSeconds}s including start-up)`,
    };
  return { status: 'Failed', finishedAt, reason: `Job failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim() };
}

/** The kubelet fails a pod past its activeDeadlineSeconds with reason DeadlineExceeded. */
function podFailure(pod: V1Pod): Failure | undefined {
  if (pod.status?.phase !== 'Failed' || pod.status.reason !== 'DeadlineExceeded') return undefined;
  return {
    status: 'Timeout',
    reason: `pod deadline exceeded (${pod.spec?.activeDeadlineSeconds}s including start-up)`,
  };
}

/**
 * The pod's container decides first (its exit is exact), then a failure of the sandbox object (deadline),
 * then why the pod is not running yet.
 */
function interpretSandbox(
  pod: V1Pod | undefined,
  timeoutSeconds: number,
  failure: Failure | undefined,
  queued: string | undefined,
): Observation {
  const base: Observation = {
    status: 'Pending',
    podName: pod?.metadata?.name,
    nodeName: pod?.spec?.nodeName,
  };
  const cs = pod?.status?.containerStatuses?.find((c) => c.name === RUN_CONTAINER);
  const term = cs?.state?.terminated;
  if (term) {
    const out: Observation = {
      ...base,
      exitCode: term.exitCode,
      startedAt: iso(term.startedAt),
      finishedAt: iso(term.finishedAt),
      status: 'Failed',
    };
    if (term.reason === 'OOMKilled')
      return { ...out, status: 'OOMKilled', reason: 'memory limit exceeded (OOMKilled)' };
    if (term.exitCode === 0) return { ...out, status: 'Succeeded', reason: 'exit code 0' };
    if (term.exitCode === TIMEOUT_EXIT_CODE || (term.exitCode === 137 && ranFor(out) >= timeoutSeconds))
      return { ...out, status: 'Timeout', reason: `time limit of ${timeoutSeconds}s exceeded` };
    return { ...out, reason: describeExit(term.exitCode) };
  }
  if (failure) return { ...base, ...failure };
  if (queued) return { ...base, reason: queued, held: true };
  const waiting = cs?.state?.waiting;
  if (waiting?.reason && IMAGE_ERRORS.has(waiting.reason))
    return {
      ...base,
      status: 'Failed',
      permanent: true,
      reason: `image ${cs?.image ?? ''} is not available on node ${base.nodeName ?? '?'} (${waiting.reason})`,
    };
  if (waiting?.reason && CONFIG_ERRORS.has(waiting.reason))
    return {
      ...base,
      status: 'Failed',
      permanent: true,
      reason: `container could not start: ${waiting.message ?? waiting.reason}`,
    };
  if (pod?.status?.phase === 'Failed')
    return {
      ...base,
      status: 'Failed',
      reason: `pod failed: ${pod.status.reason ?? ''} ${pod.status.message ?? ''}`.trim(),
    };
  if (cs?.state?.running) return { ...base, status: 'Running', startedAt: iso(cs.state.running.startedAt) };
  // SchedulingGated lingers on a pod whose gates were just removed, until the scheduler gets to it.
  const unschedulable = pod?.status?.conditions?.find(
    (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason !== 'SchedulingGated',
  );
  if (unschedulable)
    return { ...base, reason: `waiting for a node: ${unschedulable.message ?? unschedulable.reason ?? ''}` };
  if (waiting?.reason) return { ...base, reason: waiting.reason };
  return base;
}

function ranFor(o: Observation): number {
  if (!o.startedAt || !o.finishedAt) return 0;
  return (new Date(o.finishedAt).getTime() - new Date(o.startedAt).getTime()) / 1000;
}

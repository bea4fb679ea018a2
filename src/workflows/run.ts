// Over 300 lines on purpose: the run workflow is the card itself, step by step, with its signals, queries,
// sinks and the callback; splitting it would scatter one deterministic story across files.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import { objectName } from '../domain/names.js';
import type { Observation, RunInput, RunLogs, RunResult, RunState, RunStatus } from '../domain/run.js';
import { PERMANENT_FAILURE_TYPES } from '../domain/errors.js';
import { nextStep } from '../domain/run-machine.js';
import { judgedStatus } from '../domain/judge-status.js';
import { judgeOutputs } from '../domain/judge-compare.js';
import type { JudgeResult } from '../domain/judge.js';
import { launcherSeconds, resultNonce } from '../domain/launcher-spec.js';
import { DEFAULT_CALLBACK_POLICY, PERMANENT_CALLBACK_FAILURES, type CallbackOutcome } from '../domain/callback.js';
import { judge0Callback } from '../domain/judge0/callback.js';
import { runWebhook } from '../domain/webhook.js';
import {
  SA_NODE,
  SA_POD,
  SA_STATUS,
  admitSignal,
  cancelSignal,
  runChangedSignal,
  stateQuery,
  type RunPolicy,
} from './definitions.js';
import { runMetrics } from './metrics-sink.js';
import { tenantOf } from '../domain/tenant.js';

type Acts = activities.Activities;

const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '30s',
  nonRetryableErrorTypes: PERMANENT_FAILURE_TYPES,
};
// The card's steps, each a local activity (one named marker event in the history, input and result
// readable in the Web UI) so a plain run stays within its history budget. Each step is idempotent.
const { createConfigMap, createJob, pollJobStatus, fetchLogs } = proxyLocalActivities<Acts>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '10m',
  retry: { ...retry, maximumInterval: '10s' },
});
// Clean-up must outlive any outage: retried for a day, then the leak sweeper takes over.
const { cleanUp } = proxyLocalActivities<Acts>({
  startToCloseTimeout: '60s',
  scheduleToCloseTimeout: '24h',
  retry: { ...retry, maximumInterval: '60s' },
});

// Admission requests are local activities too (one marker event); the queue itself is a workflow.
const { requestAdmission, releaseAdmission } = proxyLocalActivities<Acts>({
  startToCloseTimeout: '10s',
  scheduleToCloseTimeout: '10m',
  retry: { ...retry, maximumInterval: '10s' },
});
/**
 * A queued run repeats its (idempotent) request this often, in case the admission workflow lost it
 * (terminated or reset by hand). Rare on purpose: every repeat costs history events on both sides.
 */
const REQUEST_AGAIN_MS = 10 * 60_000;

export interface RunWorkflowArgs {
  input: RunInput;
  policy: RunPolicy;
}

/**
 * One run = one workflow (id = run id), the card's shape: create the ConfigMap and the Job, poll the
 * Job's status on workflow timers (woken early by the worker's watch), fetch the logs, clean up.
 */
export async function runWorkflow({ input, policy }: RunWorkflowArgs): Promise<RunResult> {
  const jobName = objectName(input.runId);
  const state: RunState = {
    runId: input.runId,
    status: 'Queued',
    reason: null,
    exitCode: null,
    language: input.language,
    jobName,
    podName: null,
    nodeName: null,
    createdAt: input.createdAt,
    startedAt: null,
    finishedAt: null,
    cancelRequested: false,
    stage: null,
    history: [{ status: 'Queued', at: input.createdAt }],
  };
  let cancelReason = 'cancelled by request';
  setHandler(stateQuery, () => state);
  setHandler(cancelSignal, (arg) => {
    state.cancelRequested = true;
    if (arg?.reason) cancelReason = arg.reason;
  });
  let admitted = false;
  setHandler(admitSignal, () => {
    admitted = true;
  });
  let woken = false;
  setHandler(runChangedSignal, () => {
    woken = true;
  });

  const now = () => new Date(Date.now()).toISOString();
  // Metric labels and times (workflow time: the sinks run outside the workflow, and never on replay).
  const labels = { language: input.language, tenant: tenantOf(input) };
  const sinceAccepted = () => Math.max(0, Date.now() - Date.parse(input.createdAt));
  // A launch of several steps (a compile, tests) announces each in its log; the polls read it from there.
  const staged = input.sandbox.compile !== undefined || (input.tests?.length ?? 0) > 1;
  /** The last observation said the sandbox waits in an outside queue (Kueue). */
  let held = false;
  /** Records what Kubernetes reported about the pod; the status itself moves only through setStatus. */
  const observe = (o: Observation) => {
    state.podName = o.podName ?? state.podName;
    state.nodeName = o.nodeName ?? state.nodeName;
    state.startedAt = o.startedAt ?? state.startedAt;
    state.finishedAt = o.finishedAt ?? state.finishedAt;
    if (o.exitCode !== undefined) state.exitCode = o.exitCode;
    if (o.stage) state.stage = o.stage;
    else if (o.status === 'Running' && !staged) state.stage = 'run';
    // A reason from waiting in an outside queue (Kueue) no longer holds once the sandbox left it.
    if (o.reason) state.reason = o.reason;
    else if (held) state.reason = null;
    held = o.held === true;
  };
  const setStatus = (status: RunStatus) => {
    if (status === state.status) return;
    state.status = status;
    state.history.push({ status, at: now() });
    upsertSearchAttributes([
      { key: SA_STATUS, value: status },
      ...(state.podName ? [{ key: SA_POD, value: state.podName }] : []),
      ...(state.nodeName ? [{ key: SA_NODE, value: state.nodeName }] : []),
    ]);
  };
  // The verdict becomes the visible status only after the output is collected and the sandbox deleted,
  // so a client that sees a final status can always read the final output.
  let verdict: { status: RunStatus; reason: string } = { status: 'Failed', reason: 'no verdict' };
  const finish = (status: RunStatus, reason: string) => {
    verdict = { status, reason };
  };

  let queued = false;
  let attempted = false;
  /** The verdict came from a pod that ended on its own (not a deadline or a cancel). */
  let podEnded = false;
  let output: RunLogs | undefined;
  let judgedResult: JudgeResult | undefined;
  try {
    await CancellationScope.cancellable(async () => {
      if (state.cancelRequested) return finish('Cancelled', cancelReason);
      queued = true;
      if (!(await waitForAdmission())) return finish('Cancelled', `${cancelReason} (while queued)`);
      runMetrics.admitted({ ...labels, waitMs: sinceAccepted() });
      attempted = true;
      setStatus('Pending');
      await watch();
    });
  } catch (err) {
    if (isCancellation(err)) finish('Cancelled', 'cancelled through Temporal');
    else finish('Failed', failureReason(err));
  }

  let outputBytes = 0;
  let outputTruncated = false;
  // Clean-up runs in every outcome, even when the workflow itself was cancelled. The slot is given back
  // only once the Job is deleted, so the cap counts every Job that exists.
  await CancellationScope.nonCancellable(async () => {
    if (attempted) {
      output = await fetchLogs({
        runId: input.runId,
        nonce: resultNonce(input),
        ...(state.podName ? { podName: state.podName } : {}),
      }).catch((err: unknown) => ({ logs: '', truncated: false, bytes: 0, unavailable: failureReason(err) }));
      // The pod ended on its own: the launcher's verdict decides (Accepted, TLE, MLE, ...), and the
      // expected outputs, compared here, outside the sandbox (WrongAnswer).
      if (output.result) judgedResult = judgeOutputs(output.result, input.tests, input.compare);
      const judged = judgedStatus(verdict, { ...output, ...(judgedResult ? { result: judgedResult } : {}) });
      verdict = { status: judged.status, reason: judged.reason };
      if (judged.exitCode !== undefined) state.exitCode = judged.exitCode;
      await cleanUp({ runId: input.runId, podEnded });
    }
    outputBytes = output?.bytes ?? 0;
    outputTruncated = output?.truncated ?? false;
    if (queued) await releaseAdmission({ runId: input.runId, tenantLimit: input.tenantMaxActiveRuns });
  });
  state.reason = verdict.reason;
  state.stage = null;
  state.finishedAt = state.finishedAt ?? now();
  setStatus(verdict.status);
  runMetrics.finished({ ...labels, status: state.status, durationMs: sinceAccepted() });
  const result: RunResult = {
    runId: input.runId,
    status: state.status,
    reason: state.reason ?? '',
    exitCode: state.exitCode,
    language: input.language,
    jobName,
    podName: state.podName,
    nodeName: state.nodeName,
    createdAt: input.createdAt,
    startedAt: state.startedAt,
    finishedAt: state.finishedAt,
    outputBytes,
    outputTruncated,
    verdict: judgedResult?.verdict ?? null,
    history: state.history,
  };
  if (!input.callbackUrl) return result;
  // Only now, with the final status visible to a client that reads the run, is the callback sent; the
  // query answers with the result meanwhile, as the run is finished (src/api/runs-service.ts).
  state.result = result;
  return { ...result, callback: await deliver(input.callbackUrl, result) };

  /**
   * The callback: a regular activity (its own step in the history, retried for hours with backoff). It runs
   * to its end even if the workflow is cancelled meanwhile; its failure is recorded, the run's status stays.
   */
  async function deliver(url: string, result: RunResult): Promise<CallbackOutcome> {
    // Judge0's PUT for its submissions; the native API's signed webhook for everything else.
    const request =
      input.client === 'judge0'
        ? judge0Callback(url, input, state, judgedResult ?? null)
        : runWebhook(url, input, result, judgedResult ?? null, output, policy.temporalUiUrl ?? '');
    const p = policy.callback ?? DEFAULT_CALLBACK_POLICY;
    const { deliverCallback } = proxyActivities<Acts>({
      startToCloseTimeout: '1m',
      scheduleToCloseTimeout: `${p.retryHours}h`,
      retry: {
        initialInterval: p.initialIntervalMs,
        backoffCoefficient: 2,
        maximumInterval: p.maxIntervalMs,
        nonRetryableErrorTypes: PERMANENT_CALLBACK_FAILURES,
      },
    });
    return CancellationScope.nonCancellable(() =>
      deliverCallback(request).then(
        (r): CallbackOutcome => ({ delivered: true, status: r.status }),
        (err: unknown): CallbackOutcome => ({ delivered: false, error: failureReason(err) }),
      ),
    );
  }

  /** Waits (status Queued) until the admission workflow gives this run a slot; false if cancelled first. */
  async function waitForAdmission(): Promise<boolean> {
    const ask = async () => {
      const ticket = {
        runId: input.runId,
        queuedAt: input.createdAt,
        ...(input.tenant ? { tenant: input.tenant } : {}),
        ...(input.tenantMaxActiveRuns ? { tenantLimit: input.tenantMaxActiveRuns } : {}),
      };
      if ((await requestAdmission(ticket)).immediate) admitted = true;
    };
    await ask();
    const ready = () => admitted || state.cancelRequested;
    while (!ready() && !(await condition(ready, REQUEST_AGAIN_MS))) await ask();
    return !state.cancelRequested;
  }

  async function watch(): Promise<void> {
    const watchStart = Date.now();
    // The launcher's whole budget (compile, every test), which the pod's deadline allows for.
    const budgetSeconds = launcherSeconds(input);
    await createConfigMap(input);
    let o: Observation & { wakeArmed: boolean } = await createJob(input);
    let intervalMs = policy.poll.initialMs;
    let polledAt = now();
    for (;;) {
      observe(o);
      const next = nextStep(
        o,
        { elapsedMs: Date.now() - watchStart, intervalMs, timeoutSeconds: budgetSeconds },
        policy,
      );
      if (next.kind === 'verdict') {
        podEnded = o.finishedAt !== undefined && !o.vanished;
        // A short run goes from Pending to its verdict in one poll; its history still says when it ran.
        if (!o.vanished && state.status === 'Pending' && state.startedAt)
          state.history.push({ status: 'Running', at: state.startedAt });
        return finish(next.status, next.reason);
      }
      setStatus(next.status);
      intervalMs = next.nextIntervalMs;
      // The next poll: at the timer, or earlier when the worker's watch wakes the run.
      await condition(() => woken || state.cancelRequested, next.waitMs);
      woken = false;
      if (state.cancelRequested) return finish('Cancelled', cancelReason);
      const stageSince = polledAt;
      polledAt = now();
      o = await pollJobStatus({ runId: input.runId, timeoutSeconds: budgetSeconds, ...(staged ? { stageSince } : {}) });
    }
  }
}

function failureReason(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause.message;
  if (err instanceof ActivityFailure) return `${err.activityType} failed: ${err.cause?.message ?? err.message}`;
  return err instanceof Error ? err.message : String(err);
}

import { ApplicationFailure } from '@temporalio/activity';
import type { Observation, RunInput, RunLogs } from '../../src/domain/run.js';
import { FailureTypes } from '../../src/domain/errors.js';
import { cancelSignal, runChangedSignal } from '../../src/workflows/definitions.js';
import type { RunWorkflowArgs } from '../../src/workflows/run.js';
import { eventually } from '../support/stack.js';
import { standInWorkflows } from '../support/stand-in-workflow.js';

/**
 * The run workflow's own logic (the card's order, timers, guards, wake-ups, cancel at each step, failing
 * steps) with STAND-IN activities that script what Kubernetes reports: the real workflow code on the real
 * Temporal dev server, with short timers. (Temporal's time-skipping test server is a download this
 * machine cannot make, so time passes for real here, in milliseconds.) The real-cluster suites cover
 * the real activities.
 */
type Poll = Observation & { wakeArmed: boolean };

/** Stand-in activities: each call is recorded; `polls` scripts what each status poll sees. */
function standIns(script: { polls: Poll[]; createJob?: () => Poll }) {
  const calls: string[] = [];
  let n = 0;
  const record = (name: string) => calls.push(name);
  return {
    calls,
    activities: {
      async requestAdmission() {
        record('requestAdmission');
        return { immediate: true };
      },
      async releaseAdmission() {
        record('releaseAdmission');
      },
      async createConfigMap(input: RunInput) {
        record('createConfigMap');
        return { configMap: `run-${input.runId}`, created: true, bytes: input.code.length };
      },
      async createJob(input: RunInput) {
        record('createJob');
        const first = script.createJob?.() ?? { status: 'Pending' as const, wakeArmed: false };
        return { kind: 'Job' as const, name: `run-${input.runId}`, created: true, ...first };
      },
      async pollJobStatus() {
        record('pollJobStatus');
        return script.polls[Math.min(n++, script.polls.length - 1)]!;
      },
      async fetchLogs(): Promise<RunLogs> {
        record('fetchLogs');
        return { logs: 'stand-in output\n', truncated: false, bytes: 16 };
      },
      async cleanUp() {
        record('cleanUp');
        return { deleted: ['stand-in'] };
      },
    },
  };
}

describe('run workflow logic (stand-in activities)', () => {
  const wf = standInWorkflows();
  const args = (policy: Partial<RunWorkflowArgs['policy']> = {}): RunWorkflowArgs => ({
    input: wf.input(),
    policy: { ...wf.policy, ...policy },
  });
  const { run } = wf;

  const pending: Poll = { status: 'Pending', wakeArmed: false };
  const running: Poll = {
    status: 'Running',
    podName: 'p',
    nodeName: 'n',
    startedAt: new Date().toISOString(),
    wakeArmed: false,
  };
  const succeeded: Poll = { status: 'Succeeded', exitCode: 0, reason: 'exit code 0', podName: 'p', wakeArmed: false };

  it('follows the card: ConfigMap, Job, polls on timers until the verdict, logs, clean-up', async () => {
    const s = standIns({ polls: [pending, running, running, succeeded] });
    const r = await run(s.activities, args());
    expect(r).toMatchObject({ status: 'Succeeded', exitCode: 0, podName: 'p', outputBytes: 16 });
    expect(r.history.map((h) => h.status)).toEqual(['Queued', 'Pending', 'Running', 'Succeeded']);
    expect(s.calls).toEqual([
      'requestAdmission',
      'createConfigMap',
      'createJob',
      'pollJobStatus',
      'pollJobStatus',
      'pollJobStatus',
      'pollJobStatus',
      'fetchLogs',
      'cleanUp',
      'releaseAdmission',
    ]);
  });

  it('a wake-up signal polls at once; without it the armed fallback timer would wait a minute', async () => {
    const armed: Poll = { status: 'Pending', wakeArmed: true };
    const s = standIns({ polls: [succeeded], createJob: () => armed });
    const a = args({ poll: { initialMs: 60_000, maxMs: 60_000, factor: 1, fallbackMs: 60_000 } });
    const t0 = Date.now();
    const r = await run(s.activities, a, async (h) => {
      await eventually(async () => s.calls.includes('createJob'), 10_000, 'the Job step');
      await h.signal(runChangedSignal);
    });
    expect(r.status).toBe('Succeeded');
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(s.calls.filter((c) => c === 'pollJobStatus')).toHaveLength(1);
  });

  it('a pod that never starts fails the run at the start timeout, and is still cleaned up', async () => {
    const s = standIns({ polls: [{ ...pending, reason: 'no node fits' }] });
    const r = await run(s.activities, args({ startTimeoutSeconds: 1 }));
    expect(r).toMatchObject({ status: 'Failed', reason: 'did not start within 1s: no node fits' });
    expect(s.calls.slice(-3)).toEqual(['fetchLogs', 'cleanUp', 'releaseAdmission']);
  });

  it('cancel while polling: Cancelled, logs fetched and everything cleaned up', async () => {
    const s = standIns({ polls: [running] });
    const r = await run(s.activities, args(), async (h) => {
      await eventually(async () => s.calls.includes('pollJobStatus'), 10_000, 'a status poll');
      await h.signal(cancelSignal, { reason: 'test cancel' });
    });
    expect(r).toMatchObject({ status: 'Cancelled', reason: 'test cancel' });
    expect(s.calls.slice(-3)).toEqual(['fetchLogs', 'cleanUp', 'releaseAdmission']);
  });

  it('a Temporal cancellation while waiting on the timer is honoured the same way', async () => {
    const s = standIns({ polls: [running] });
    const r = await run(
      s.activities,
      args({ poll: { initialMs: 60_000, maxMs: 60_000, factor: 1, fallbackMs: 60_000 } }),
      async (h) => {
        await eventually(async () => s.calls.includes('createJob'), 10_000, 'the Job step');
        await h.cancel();
      },
    ).catch((e: unknown) => e);
    // The workflow catches the cancellation, cleans up, and completes with its verdict.
    expect(r).toMatchObject({ status: 'Cancelled', reason: 'cancelled through Temporal' });
    expect(s.calls.slice(-3)).toEqual(['fetchLogs', 'cleanUp', 'releaseAdmission']);
  });

  it('a permanent Kubernetes failure fails the run with its reason and skips nothing of the clean-up', async () => {
    const s = standIns({ polls: [succeeded] });
    const acts = {
      ...s.activities,
      async createJob(): Promise<never> {
        s.calls.push('createJob');
        throw ApplicationFailure.nonRetryable(
          'creating Job: Kubernetes API 403: forbidden',
          FailureTypes.KubeForbidden,
        );
      },
    };
    const r = await run(acts, args());
    expect(r).toMatchObject({ status: 'Failed', reason: 'creating Job: Kubernetes API 403: forbidden' });
    expect(s.calls).not.toContain('pollJobStatus');
    expect(s.calls.slice(-3)).toEqual(['fetchLogs', 'cleanUp', 'releaseAdmission']);
  });

  it('a vanished Job ends the run Failed, saying so', async () => {
    const s = standIns({
      polls: [{ status: 'Failed', vanished: true, reason: 'the run’s Job disappeared', wakeArmed: false }],
    });
    const r = await run(s.activities, args());
    expect(r).toMatchObject({ status: 'Failed', reason: 'the run’s Job disappeared' });
  });
});

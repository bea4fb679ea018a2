import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { CallbackRequest } from '../../src/domain/callback.js';
import type { JudgeResult } from '../../src/domain/judge.js';
import type { Observation, RunLogs, RunState } from '../../src/domain/run.js';
import { stateQuery } from '../../src/workflows/definitions.js';
import type { RunWorkflowArgs } from '../../src/workflows/run.js';
import { standInWorkflows } from '../support/stand-in-workflow.js';

/**
 * The run workflow's callback step with STAND-IN activities (the card's steps scripted, the delivery a
 * stand-in that records what it was asked and when): the real workflow code on the real Temporal dev
 * server with retry intervals of milliseconds, as test/integration/run-workflow.test.ts does (Temporal's
 * time-skipping test server is a download this machine cannot make). callbacks.test.ts covers the real
 * delivery against a real receiver.
 */
const result: JudgeResult = {
  verdict: 'Accepted',
  compile: null,
  tests: [
    {
      verdict: 'Accepted',
      stdout: 'hi\n',
      stderr: '',
      output: 'hi\n',
      stdout_truncated: false,
      stderr_truncated: false,
      output_truncated: false,
      exit_code: 0,
      signal: null,
      cpu_time_ms: 12,
      wall_time_ms: 30,
      memory_kb: 3000,
    },
  ],
  cgroup: null,
  truncated: false,
};

type Delivery = (req: CallbackRequest, attempt: number) => Promise<{ status: number; address: string }>;

/** Stand-in activities: each call is recorded, with the workflow's visible status when the delivery ran. */
function standIns(client: Client, deliver: Delivery) {
  const calls: string[] = [];
  const seen: { status: string; body: unknown }[] = [];
  let attempt = 0;
  const done: Observation & { wakeArmed: boolean } = {
    status: 'Succeeded',
    exitCode: 0,
    podName: 'p',
    wakeArmed: false,
  };
  return {
    calls,
    seen,
    activities: {
      requestAdmission: async () => (calls.push('requestAdmission'), { immediate: true }),
      releaseAdmission: async () => void calls.push('releaseAdmission'),
      createConfigMap: async () => (calls.push('createConfigMap'), { configMap: 'cm', created: true, bytes: 1 }),
      createJob: async () => (calls.push('createJob'), { kind: 'Job' as const, name: 'j', created: true, ...done }),
      pollJobStatus: async () => (calls.push('pollJobStatus'), done),
      fetchLogs: async (): Promise<RunLogs> => (
        calls.push('fetchLogs'),
        { logs: '', result, truncated: false, bytes: 3 }
      ),
      cleanUp: async () => (calls.push('cleanUp'), { deleted: ['j'] }),
      async deliverCallback(req: CallbackRequest) {
        calls.push('deliverCallback');
        // What a receiver that reads the run back at this moment sees.
        const state = await client.workflow.getHandle(req.deliveryId).query<RunState>(stateQuery);
        seen.push({ status: state.status, body: JSON.parse(req.body) });
        return deliver(req, ++attempt);
      },
    },
  };
}

describe('run workflow: the callback step (stand-in activities)', () => {
  const wf = standInWorkflows();
  const args = (callbackUrl?: string): RunWorkflowArgs => ({
    input: wf.input({ code: 'print("hi")', client: 'judge0', ...(callbackUrl ? { callbackUrl } : {}) }),
    policy: { ...wf.policy, callback: { initialIntervalMs: 50, maxIntervalMs: 200, retryHours: 1 } },
  });

  async function run(s: ReturnType<typeof standIns>, a: RunWorkflowArgs) {
    const r = await wf.run(s.activities, a);
    const events = (await wf.client().workflow.getHandle(a.input.runId).fetchHistory()).events ?? [];
    return { r, events };
  }
  const client = () => wf.client();

  it('delivers after clean-up, once the final status is visible, the Judge0 submission in Base64', async () => {
    const s = standIns(client(), async () => ({ status: 204, address: '192.0.2.1' }));
    const a = args('http://receiver.example/cb');
    const { r, events } = await run(s, a);
    expect(s.calls.slice(-4)).toEqual(['fetchLogs', 'cleanUp', 'releaseAdmission', 'deliverCallback']);
    expect(s.seen).toEqual([
      {
        status: 'Succeeded',
        body: {
          token: a.input.runId,
          time: '0.012',
          memory: 3000,
          stdout: 'aGkK\n',
          stderr: null,
          compile_output: null,
          message: null,
          status: { id: 3, description: 'Accepted' },
        },
      },
    ]);
    expect(r).toMatchObject({ status: 'Succeeded', callback: { delivered: true, status: 204 } });
    // A regular activity: its own scheduled/started/completed events, named deliverCallback.
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)).toEqual([
      'deliverCallback',
    ]);
  });

  it('a failing delivery is retried with backoff until the receiver takes it', async () => {
    const s = standIns(client(), async (_req, attempt) => {
      if (attempt < 3) throw ApplicationFailure.retryable('receiver answered 503', 'CallbackFailed');
      return { status: 200, address: '192.0.2.1' };
    });
    const { r, events } = await run(s, args('http://receiver.example/cb'));
    expect(s.calls.filter((c) => c === 'deliverCallback')).toHaveLength(3);
    expect(r).toMatchObject({ status: 'Succeeded', callback: { delivered: true, status: 200 } });
    // Retries of a regular activity are not events: one start event, its attempt number 3.
    const started = events.filter((e) => e.activityTaskStartedEventAttributes);
    expect(started.map((e) => e.activityTaskStartedEventAttributes?.attempt)).toEqual([3]);
  });

  it('a permanent failure is not retried and leaves the run as it finished, noting the failure', async () => {
    // Thrown as retryable: the workflow's own policy must name the type permanent.
    const s = standIns(client(), async () => {
      throw ApplicationFailure.retryable('PUT receiver.example answered 404', 'CallbackRejected');
    });
    const { r } = await run(s, args('http://receiver.example/cb'));
    expect(s.calls.filter((c) => c === 'deliverCallback')).toHaveLength(1);
    expect(r).toMatchObject({
      status: 'Succeeded',
      verdict: 'Accepted',
      callback: { delivered: false, error: 'PUT receiver.example answered 404' },
    });
  });

  it('a run without a callback has no callback step and no extra events', async () => {
    const s = standIns(client(), async () => ({ status: 204, address: '192.0.2.1' }));
    const { r, events } = await run(s, args());
    expect(s.calls).not.toContain('deliverCallback');
    expect(r.callback).toBeUndefined();
    expect(events.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(0);
  });
});

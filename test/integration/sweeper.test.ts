import { randomUUID } from 'node:crypto';
import { sandboxSettings } from '../../src/activities/index.js';
import { buildConfigMap, buildJob, buildPod } from '../../src/kube/sandbox/manifests.js';
import { runInput } from '../../src/api/languages.js';
import type { SweepInput, SweepResult } from '../../src/activities/sweeper.js';
import { objectName } from '../../src/domain/names.js';
import { ensureSweepSchedule, removeSweepSchedule, sweepScheduleId } from '../../src/temporal/sweep-schedule.js';
import { SWEEP_WORKFLOW_TYPE } from '../../src/workflows/sweep.js';
import { ApiClient } from '../support/api.js';
import { createStack, eventually, type Stack } from '../support/stack.js';

/** The durable leak sweeper: a real sweep workflow on the real worker against the real cluster. */
describe('leak sweeper', () => {
  let stack: Stack;
  let api: ApiClient;
  beforeAll(async () => {
    stack = await createStack();
    await stack.startWorker();
    api = new ApiClient(stack.app);
  });
  afterAll(async () => {
    await stack.close();
  });

  const leakInput = (runId: string) => {
    const python = stack.cfg.languages.find((l) => l.id === 'python')!;
    return runInput(python, { runId, code: 'print(1)', stdin: '', timeoutSeconds: 5 });
  };
  /** Leaked objects for runId, as a Job-mode worker would have made them (the Job suspended: no pod). */
  async function plantLeak(runId: string): Promise<void> {
    const input = leakInput(runId);
    const settings = sandboxSettings(stack.cfg);
    const namespace = stack.cfg.runner.namespace;
    await stack.kube.core.createNamespacedConfigMap({ namespace, body: buildConfigMap(input, settings) });
    const job = buildJob(input, settings);
    if (job.spec) job.spec.suspend = true;
    await stack.kube.batch.createNamespacedJob({ namespace, body: job });
  }
  /** A leaked bare Pod, as a Pod-mode worker would have made it (held by a scheduling gate: never runs). */
  async function plantPodLeak(runId: string): Promise<void> {
    const pod = buildPod(leakInput(runId), { ...sandboxSettings(stack.cfg), kind: 'Pod' });
    pod.spec!.schedulingGates = [{ name: 'code-runner.dev/test-hold' }];
    await stack.kube.core.createNamespacedPod({ namespace: stack.cfg.runner.namespace, body: pod });
  }
  const exists = async (runId: string) => {
    const namespace = stack.cfg.runner.namespace;
    const name = objectName(runId);
    const job = await stack.kube.batch.readNamespacedJob({ name, namespace }).then(
      () => true,
      () => false,
    );
    const cm = await stack.kube.core.readNamespacedConfigMap({ name, namespace }).then(
      () => true,
      () => false,
    );
    return { job, cm };
  };
  const podExists = (runId: string) =>
    stack.kube.core.readNamespacedPod({ name: objectName(runId), namespace: stack.cfg.runner.namespace }).then(
      () => true,
      () => false,
    );

  it('deletes the objects of finished and unknown runs and keeps those of running runs', async () => {
    const unknown = randomUUID();
    const unknownPod = randomUUID();
    const finished = await api.start({ language: 'python', code: 'print(1)' });
    expect(await api.waitDone(finished)).toMatchObject({ status: 'Succeeded' });
    const running = await api.start({ language: 'python', code: 'import time\ntime.sleep(40)', timeout_seconds: 60 });
    await api.waitFor(running, (v) => v.status === 'Running', 60_000, 'Running');
    await plantLeak(unknown);
    await plantLeak(finished);
    await plantPodLeak(unknownPod);
    expect(await exists(unknown)).toEqual({ job: true, cm: true });
    expect(await podExists(unknownPod)).toBe(true);
    // the running run has its Job and its ConfigMap
    expect(await exists(running)).toEqual({ job: true, cm: true });

    const result = await stack.client.workflow.execute<(i: SweepInput) => Promise<SweepResult>>(SWEEP_WORKFLOW_TYPE, {
      taskQueue: stack.cfg.temporal.taskQueue,
      workflowId: `sweep-test-${randomUUID()}`,
      // only this test's runs: the namespace is shared with other suites
      args: [{ minAgeSeconds: 0, onlyRunIds: [unknown, unknownPod, finished, running] }],
      workflowExecutionTimeout: '2m',
    });
    expect(result.deleted).toEqual(
      expect.arrayContaining([
        { runId: unknown, why: 'run unknown to Temporal', jobs: 1, pods: 0, configMaps: 1 },
        { runId: unknownPod, why: 'run unknown to Temporal', jobs: 0, pods: 1, configMaps: 0 },
        { runId: finished, why: 'run completed', jobs: 1, pods: 0, configMaps: 1 },
      ]),
    );
    // the running run's pod belongs to its Job: kept with it, never swept on its own
    expect(result.kept).toEqual([running]);
    expect(result.examinedRuns).toBe(4);
    expect(await podExists(unknownPod)).toBe(false);
    expect(await exists(unknown)).toEqual({ job: false, cm: false });
    expect(await exists(finished)).toEqual({ job: false, cm: false });
    expect(await exists(running)).toEqual({ job: true, cm: true });

    expect((await api.cancel(running)).status).toBe(202);
    expect(await api.waitDone(running)).toMatchObject({ status: 'Cancelled' });
  }, 150_000);

  it('is started by an idempotent Temporal Schedule, removed with its task queue', async () => {
    // A queue no worker polls: a sweep started on it stays open until it is removed.
    const taskQueue = `${stack.cfg.temporal.taskQueue}-idle`;
    const id = await ensureSweepSchedule(stack.client, taskQueue, { every: '1h' });
    try {
      expect(id).toBe(sweepScheduleId(taskQueue));
      expect(await ensureSweepSchedule(stack.client, taskQueue, { every: '1h' })).toBe(id); // again: no error
      const d = await stack.client.schedule.getHandle(id).describe();
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: SWEEP_WORKFLOW_TYPE, taskQueue });
      expect(d.spec.intervals?.[0]?.every).toBe(3_600_000);
      await stack.client.schedule.getHandle(id).trigger();
      const sweepId = await eventually(
        async () =>
          (await stack.client.schedule.getHandle(id).describe()).info.recentActions[0]?.action.workflow.workflowId,
        30_000,
        'the triggered sweep',
      );
      await removeSweepSchedule(stack.client, taskQueue);
      await expect(stack.client.schedule.getHandle(id).describe()).rejects.toThrow(/not found/i);
      expect((await stack.client.workflow.getHandle(sweepId).describe()).status.name).toBe('TERMINATED');
    } finally {
      await removeSweepSchedule(stack.client, taskQueue);
    }
  });
});

import { ANNOTATION_CODE } from '../../src/kube/sandbox/manifests.js';
import { objectName } from '../../src/domain/names.js';
import { ApiClient } from '../support/api.js';
import { runHistory } from '../support/history.js';
import { createStack, eventually, runnerObjects, type Stack } from '../support/stack.js';

/**
 * SANDBOX_KIND=Pod on the whole real stack: the worker creates bare Pods (no Job) on the local node, and
 * everything a run promises holds as with Jobs: output, limits, cancellation, clean-up.
 */
describe('runs with bare Pod sandboxes (SANDBOX_KIND=Pod)', () => {
  let stack: Stack;
  let api: ApiClient;
  beforeAll(async () => {
    // Both throughput opt-ins together: bare Pods, and small code inline in the pod.
    stack = await createStack({ SANDBOX_KIND: 'Pod', INLINE_CODE_BYTES: '16384' });
    await stack.startWorker();
    api = new ApiClient(stack.app);
  });
  afterAll(async () => {
    await stack.close();
  });

  const objects = (runId: string) => runnerObjects(stack.kube, stack.cfg.runner.namespace, runId);
  const expectCleanedUp = (runId: string) =>
    eventually(
      async () => {
        const o = await objects(runId);
        return o.jobs.length + o.pods.length + o.configMaps.length === 0;
      },
      30000,
      'runner objects to be deleted',
    );

  it('a run is one bare Pod named after the run: output, exit code, history, then nothing left', async () => {
    const code = 'import time\nprint(input()[::-1], flush=True)\ntime.sleep(4)';
    const runId = await api.start({ language: 'python', code, stdin: 'dop\n' });
    const running = await api.waitFor(runId, (v) => v.status === 'Running', 60_000, 'Running');
    const o = await objects(runId);
    expect(o.jobs).toHaveLength(0);
    expect(o.pods.map((p) => p.metadata?.name)).toEqual([objectName(runId)]);
    expect(o.pods[0]!.metadata?.ownerReferences).toBeUndefined();
    expect(o.pods[0]!.metadata?.annotations?.[ANNOTATION_CODE]).toBe(code);
    expect(running.pod_name).toBe(objectName(runId));

    const done = await api.waitDone(runId);
    expect(done).toMatchObject({ status: 'Succeeded', exit_code: 0, pod_name: objectName(runId) });
    expect(done.node_name).toBeTruthy();
    expect((await api.logs(runId)).logs).toBe('pod\n');
    await expectCleanedUp(runId);
    // the card's steps, with the opt-ins' differences in their results; within the 40-event budget
    const h = await runHistory(stack.client, runId);
    const step = (t: string) => h.steps.find((s) => s.type === t)?.result as Record<string, unknown>;
    expect(step('createConfigMap')).toMatchObject({ configMap: null, created: false });
    expect(step('createJob')).toMatchObject({ kind: 'Pod', name: objectName(runId), created: true });
    expect(h.events).toBeLessThanOrEqual(40);
  });

  it('the time limit and a non-zero exit are read from the pod alone', async () => {
    const slow = await api.start({
      language: 'python',
      code: 'import time\nprint("started", flush=True)\ntime.sleep(60)',
      timeout_seconds: 2,
    });
    const failing = await api.start({ language: 'python', code: 'import sys\nsys.exit(7)' });
    expect(await api.waitDone(slow)).toMatchObject({
      status: 'Timeout',
      reason: 'wall time limit of 2000 ms exceeded',
    });
    expect((await api.logs(slow)).logs).toBe('started\n');
    expect(await api.waitDone(failing)).toMatchObject({ status: 'Failed', exit_code: 7, reason: 'exit code 7' });
    await expectCleanedUp(slow);
    await expectCleanedUp(failing);
  });

  it('large code goes through a ConfigMap owned by the pod, removed with it', async () => {
    const code = `# ${'x'.repeat(stack.cfg.runner.inlineCodeBytes)}\nimport time\nprint(input(), flush=True)\ntime.sleep(3)`;
    const runId = await api.start({ language: 'python', code, stdin: 'large\n', timeout_seconds: 30 });
    await eventually(async () => (await api.logs(runId)).logs.includes('large'), 60000, 'the program to start');
    const { configMaps, pods } = await objects(runId);
    expect(configMaps).toHaveLength(1);
    expect(configMaps[0]!.metadata?.ownerReferences?.[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'Pod',
      name: objectName(runId),
      uid: pods[0]!.metadata?.uid,
    });
    expect(pods[0]!.metadata?.annotations?.[ANNOTATION_CODE]).toBeUndefined();
    expect(await api.waitDone(runId)).toMatchObject({ status: 'Succeeded' });
    expect((await api.logs(runId)).logs).toBe('large\n');
    await expectCleanedUp(runId);
  });

  it('a running pod is killed on cancel', async () => {
    const runId = await api.start({ language: 'python', code: 'import time\ntime.sleep(60)', timeout_seconds: 60 });
    await api.waitFor(runId, (v) => v.status === 'Running', 60_000, 'Running');
    expect((await api.cancel(runId)).status).toBe(202);
    expect(await api.waitDone(runId)).toMatchObject({ status: 'Cancelled' });
    await expectCleanedUp(runId);
  });

  it("a pod deleted behind the product's back fails the run, saying so", async () => {
    const runId = await api.start({ language: 'python', code: 'import time\ntime.sleep(60)', timeout_seconds: 60 });
    await api.waitFor(runId, (v) => v.status === 'Running', 60_000, 'Running');
    await stack.kube.core.deleteNamespacedPod({
      name: objectName(runId),
      namespace: stack.cfg.runner.namespace,
      gracePeriodSeconds: 0,
    });
    expect(await api.waitDone(runId)).toMatchObject({
      status: 'Failed',
      reason: 'the run’s pod disappeared (deleted outside Code Runner)',
    });
    await expectCleanedUp(runId);
  });
});

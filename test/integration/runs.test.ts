import { ANNOTATION_CODE } from '../../src/kube/sandbox/manifests.js';
import { objectName } from '../../src/domain/names.js';
import { ApiClient } from '../support/api.js';
import { CARD_STEPS, runHistory } from '../support/history.js';
import { createStack, eventually, runnerObjects, type Stack } from '../support/stack.js';

/** Full stack: real Express app → real Temporal → real worker → real Kubernetes Job on the local node. */
describe('runs through the whole stack', () => {
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

  const expectCleanedUp = (runId: string) =>
    eventually(
      async () => {
        const o = await runnerObjects(stack.kube, stack.cfg.runner.namespace, runId);
        return o.jobs.length + o.pods.length + o.configMaps.length === 0;
      },
      30000,
      'runner objects to be deleted',
    );

  it('python hello world succeeds and returns its output', async () => {
    const res = await api.submit({
      language: 'python',
      code: 'import sys\nprint("hello from python", sys.version_info[0])',
      timeout_seconds: 20,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'Queued', language: 'python' });
    const runId = res.body.run_id;
    const done = await api.waitDone(runId);
    expect(done).toMatchObject({ status: 'Succeeded', exit_code: 0, language: 'python', logs_truncated: false });
    expect(done.pod_name).toMatch(/^run-/);
    expect(done.node_name).toBeTruthy();
    expect(done.started_at && done.finished_at && done.created_at).toBeTruthy();
    expect(done.temporal_ui_url).toContain(`/workflows/${runId}`);
    const steps = done.status_history.map((h) => h.status);
    expect(steps).toEqual(['Queued', 'Pending', 'Running', 'Succeeded']);
    expect(done.status_history.every((h) => !Number.isNaN(Date.parse(h.at)))).toBe(true);
    const logs = await api.logs(runId);
    expect(logs.logs).toBe('hello from python 3\n');
    await expectCleanedUp(runId);
    // The history reads as the card: ConfigMap, Job, status polls, logs, clean-up; within 40 events.
    const h = await runHistory(stack.client, runId);
    const card = h.steps.map((s) => s.type).filter((t) => CARD_STEPS.includes(t));
    expect(card.slice(0, 2)).toEqual(['createConfigMap', 'createJob']);
    expect(card.slice(-2)).toEqual(['fetchLogs', 'cleanUp']);
    expect(card.slice(2, -2).every((t) => t === 'pollJobStatus')).toBe(true);
    expect(card.length).toBeGreaterThanOrEqual(5); // the verdict came from at least one status poll
    expect(h.timers).toBeGreaterThanOrEqual(1); // polls are paced by workflow timers
    const step = (t: string) => h.steps.find((s) => s.type === t)?.result as Record<string, unknown>;
    expect(step('createConfigMap')).toMatchObject({ configMap: objectName(runId), created: true });
    expect(step('createJob')).toMatchObject({ kind: 'Job', name: objectName(runId), created: true, status: 'Pending' });
    // the launcher's result, checked against the pod's termination message, is the step's result
    expect(step('fetchLogs')).toMatchObject({ truncated: false, result: { verdict: 'Accepted' } });
    expect((step('fetchLogs').result as { tests: { stdout: string }[] }).tests[0]?.stdout).toBe(
      'hello from python 3\n',
    );
    expect(step('cleanUp')).toMatchObject({ deleted: expect.arrayContaining([`Job ${objectName(runId)}`]) });
    expect(h.events).toBeLessThanOrEqual(40);
  });

  it('javascript hello world succeeds', async () => {
    const runId = await api.start({
      language: 'javascript',
      code: 'console.log(`hello from node ${process.versions.node.split(".")[0]}`)',
    });
    expect(await api.waitDone(runId)).toMatchObject({ status: 'Succeeded', exit_code: 0 });
    expect((await api.logs(runId)).logs).toBe('hello from node 24\n');
  });

  it('stdin is fed to the program', async () => {
    const runId = await api.start({ language: 'python', code: 'print(input().upper())', stdin: 'shout\n' });
    expect(await api.waitDone(runId)).toMatchObject({ status: 'Succeeded' });
    expect((await api.logs(runId)).logs).toBe('SHOUT\n');
  });

  it('code and stdin live in a ConfigMap owned by the Job, removed with it', async () => {
    const padding = `# ${'x'.repeat(20000)}\n`;
    const code = `${padding}import time\nprint(input(), flush=True)\ntime.sleep(3)\nprint("done")`;
    const runId = await api.start({ language: 'python', code, stdin: 'big one\n', timeout_seconds: 30 });
    await eventually(async () => (await api.logs(runId)).logs.includes('big one'), 60000, 'the program to start');
    const { configMaps, pods } = await runnerObjects(stack.kube, stack.cfg.runner.namespace, runId);
    expect(configMaps).toHaveLength(1);
    expect(configMaps[0]!.data?.code).toBe(code);
    expect(JSON.parse(configMaps[0]!.data?.spec ?? '{}')).toMatchObject({ stdin: 'big one\n', tests: [] });
    expect(configMaps[0]!.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Job', name: objectName(runId) });
    // the pod carries none of it
    expect(pods[0]!.metadata?.annotations?.[ANNOTATION_CODE]).toBeUndefined();
    expect(await api.waitDone(runId)).toMatchObject({ status: 'Succeeded', exit_code: 0 });
    expect((await api.logs(runId)).logs).toBe('big one\ndone\n');
    await expectCleanedUp(runId);
  });

  it('stderr and a non-zero exit code are reported', async () => {
    const runId = await api.start({
      language: 'python',
      code: 'import sys\nprint("to stdout")\nprint("to stderr", file=sys.stderr)\nsys.exit(3)',
    });
    const done = await api.waitDone(runId);
    expect(done).toMatchObject({ status: 'Failed', exit_code: 3, reason: 'exit code 3' });
    const { logs } = await api.logs(runId);
    expect(logs).toContain('to stdout');
    expect(logs).toContain('to stderr');
  });

  it('a run over its time limit ends Timeout and keeps the output written before it', async () => {
    const runId = await api.start({
      language: 'python',
      code: 'import time\nprint("started", flush=True)\ntime.sleep(60)',
      timeout_seconds: 2,
    });
    const done = await api.waitDone(runId);
    expect(done.status).toBe('Timeout');
    expect(done.reason).toContain('time limit of 2000 ms');
    expect((await api.logs(runId)).logs).toContain('started');
    await expectCleanedUp(runId);
  });

  it('a run over its memory limit ends OOMKilled', async () => {
    const runId = await api.start({
      language: 'python',
      code: 'x = bytearray(600 * 1024 * 1024)\nprint(len(x))',
      timeout_seconds: 20,
    });
    const done = await api.waitDone(runId);
    expect(done.status).toBe('OOMKilled');
    expect(done.reason).toContain('memory');
  });

  it('cancel while running: the pod is gone within seconds and the run ends Cancelled', async () => {
    const runId = await api.start({
      language: 'python',
      code: 'import time\nprint("working", flush=True)\ntime.sleep(120)',
      timeout_seconds: 120,
    });
    await api.waitFor(runId, (v) => v.status === 'Running', 60000, 'Running');
    const t0 = Date.now();
    const res = await api.cancel(runId);
    expect(res.status).toBe(202);
    expect(res.body.cancel_requested).toBe(true);
    const done = await api.waitDone(runId, 30000);
    expect(done.status).toBe('Cancelled');
    await eventually(
      async () => (await runnerObjects(stack.kube, stack.cfg.runner.namespace, runId)).pods.length === 0,
      15000,
      'the pod to disappear',
    );
    expect(Date.now() - t0).toBeLessThan(15000);
    expect((await api.logs(runId)).logs).toContain('working');
    // Cancelling a finished run is a clear 409.
    const again = await api.cancel(runId);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('run_finished');
  });

  it('a Temporal cancellation request is honoured like the cancel signal', async () => {
    const runId = await api.start({ language: 'python', code: 'import time\ntime.sleep(120)', timeout_seconds: 120 });
    await api.waitFor(runId, (v) => v.status === 'Running', 60000, 'Running');
    await stack.client.workflow.getHandle(runId).cancel();
    const done = await api.waitDone(runId, 30000);
    expect(done.status).toBe('Cancelled');
    await expectCleanedUp(runId);
  });

  it('a burst of runs all finish and leave no runner object behind', async () => {
    const ids = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api.start({ language: i % 2 ? 'python' : 'javascript', code: i % 2 ? `print(${i})` : `console.log(${i})` }),
      ),
    );
    const done = await Promise.all(ids.map((id) => api.waitDone(id, 120000)));
    expect(done.map((d) => d.status)).toEqual(Array(8).fill('Succeeded'));
    const logs = await Promise.all(ids.map((id) => api.logs(id)));
    expect(logs.map((l) => l.logs)).toEqual(ids.map((_, i) => `${i}\n`));
    for (const id of ids) await expectCleanedUp(id);
  });

  it('an image that does not exist fails fast with a clear reason', async () => {
    const bad = await createStack({ SANDBOX_IMAGE_PYTHON: 'localhost/code-runner/does-not-exist:0' });
    try {
      await bad.startWorker();
      const badApi = new ApiClient(bad.app);
      const t0 = Date.now();
      const runId = await badApi.start({ language: 'python', code: 'print(1)' });
      const done = await badApi.waitDone(runId, 60000);
      expect(done.status).toBe('Failed');
      expect(done.reason).toContain('does-not-exist');
      expect(Date.now() - t0).toBeLessThan(40000);
      await expectCleanedUp(runId);
    } finally {
      await bad.close();
    }
  });

  it('a Job deleted behind the workflow’s back ends the run Failed, not polling forever', async () => {
    const runId = await api.start({ language: 'python', code: 'import time\ntime.sleep(60)', timeout_seconds: 60 });
    const running = await api.waitFor(runId, (v) => v.status === 'Running', 60000, 'Running');
    await stack.kube.batch.deleteNamespacedJob({
      name: running.job_name,
      namespace: stack.cfg.runner.namespace,
      propagationPolicy: 'Background',
    });
    const done = await api.waitDone(runId, 30000);
    expect(done.status).toBe('Failed');
    expect(done.reason).toMatch(/disappeared/);
  });

  it('lists runs with filters and a cursor', async () => {
    const first = await api.start({ language: 'javascript', code: 'console.log(1)' });
    await api.waitDone(first);
    const { default: request } = await import('supertest');
    const page = await eventually(
      async () => {
        const r = await request(stack.app).get('/runs?language=javascript&limit=1');
        return r.body.runs?.length === 1 && r.body.next_cursor ? r.body : null;
      },
      20000,
      'a first page with a cursor',
    );
    expect(page.runs[0].language).toBe('javascript');
    const next = await request(stack.app).get(`/runs?language=javascript&limit=1&cursor=${page.next_cursor}`);
    expect(next.status).toBe(200);
    expect(next.body.runs[0].run_id).not.toBe(page.runs[0].run_id);
    const failed = await request(stack.app).get('/runs?status=Succeeded&limit=50');
    expect(failed.body.runs.every((r: { status: string }) => r.status === 'Succeeded')).toBe(true);
  });
});

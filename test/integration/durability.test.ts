import { execFileSync } from 'node:child_process';
import { ApiClient } from '../support/api.js';
import { runHistory } from '../support/history.js';
import { BUNDLE_PATH, REPO_ROOT } from '../support/paths.js';
import { freePort, startProcess, waitForOutput, type Proc } from '../support/processes.js';
import { createStack, eventually, runnerObjects, sleep, type Stack } from '../support/stack.js';

/** Nothing accepted is lost or duplicated: crashes of the worker, the API and the Temporal server. */
describe('durability', () => {
  let stack: Stack;
  let api: ApiClient;
  const procs: Proc[] = [];
  beforeAll(async () => {
    stack = await createStack();
    api = new ApiClient(stack.app);
  });
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.kill('SIGKILL');
  });
  afterAll(async () => {
    await stack.close();
  });

  const worker = async () => {
    const p = startProcess('worker', { ...stack.env, WORKFLOW_BUNDLE_PATH: BUNDLE_PATH });
    procs.push(p);
    await waitForOutput(p, /worker: polling/, 30000);
    return p;
  };

  it('cancel while queued: no Job is ever created and the run ends Cancelled', async () => {
    // No worker polls this queue yet: the run waits in Temporal.
    const runId = await api.start({ language: 'python', code: 'print("must not run")' });
    expect((await api.get(runId)).status).toBe('Queued');
    // The system status shows it queued, with the backlog KEDA would read.
    const { default: request } = await import('supertest');
    const status = await eventually(
      async () => {
        const r = await request(stack.app).get('/system/status');
        return r.body.queued_run_ids?.includes(runId) && r.body.queue_depth >= 1 ? r.body : null;
      },
      20000,
      'the run in queued_run_ids and a backlog',
    );
    expect(status.queue_name).toBe(stack.cfg.temporal.taskQueue);
    expect(status.queue.workflow_pollers).toBe(0);
    const res = await api.cancel(runId);
    expect(res.status).toBe(202);
    await worker();
    const done = await api.waitDone(runId, 30000);
    expect(done.status).toBe('Cancelled');
    expect(done.pod_name).toBeNull();
    expect((await runnerObjects(stack.kube, stack.cfg.runner.namespace, runId)).jobs).toHaveLength(0);
  });

  it('an Idempotency-Key returns the same run instead of a second one', async () => {
    const key = `test-${Date.now()}-${Math.random()}`;
    const body = { language: 'python', code: 'print("once")' };
    const a = await api.submit(body, { 'Idempotency-Key': key });
    const b = await api.submit(body, { 'Idempotency-Key': key });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.run_id).toBe(a.body.run_id);
    const other = await api.submit({ ...body, code: 'print("different")' }, { 'Idempotency-Key': key });
    expect(other.status).toBe(422);
    expect((other.body as unknown as { error: { code: string } }).error.code).toBe('idempotency_key_reused');
    await worker();
    expect((await api.waitDone(a.body.run_id)).status).toBe('Succeeded');
    const c = await api.submit(body, { 'Idempotency-Key': key });
    expect(c.status).toBe(200);
    expect(c.body.run_id).toBe(a.body.run_id);
  });

  it('a worker killed with SIGKILL mid-run: after restart the run finishes once, with one Job', async () => {
    const w1 = await worker();
    const runId = await api.start({
      language: 'python',
      code: 'import time\nprint("run started", flush=True)\ntime.sleep(6)\nprint("run finished", flush=True)',
      timeout_seconds: 60,
    });
    const running = await api.waitFor(runId, (v) => v.status === 'Running', 60000, 'Running');
    const jobBefore = (await runnerObjects(stack.kube, stack.cfg.runner.namespace, runId)).jobs;
    expect(jobBefore).toHaveLength(1);
    await w1.kill('SIGKILL');
    await sleep(1000);
    await worker();
    const done = await api.waitDone(runId, 90000);
    expect(done.status).toBe('Succeeded');
    expect(done.pod_name).toBe(running.pod_name);
    const { logs } = await api.logs(runId);
    expect(logs.match(/run started/g)).toHaveLength(1);
    expect(logs).toContain('run finished');
    // One Job for the whole run: its creation is recorded once in the history.
    const { steps } = await runHistory(stack.client, runId);
    expect(steps.filter((s) => s.type === 'createJob')).toHaveLength(1);
  });

  it('the API restarted: runs accepted before are not lost', async () => {
    await worker();
    const port = await freePort();
    const apiProc = startProcess('api', { ...stack.env, PORT: String(port), HOST: '127.0.0.1' });
    procs.push(apiProc);
    await waitForOutput(apiProc, /api: listening/, 30000);
    const http = new ApiClient(`http://127.0.0.1:${port}`);
    const runId = await http.start({ language: 'python', code: 'import time\ntime.sleep(3)\nprint("survived")' });
    await apiProc.kill('SIGKILL');
    const apiProc2 = startProcess('api', { ...stack.env, PORT: String(port), HOST: '127.0.0.1' });
    procs.push(apiProc2);
    await waitForOutput(apiProc2, /api: listening/, 30000);
    expect((await http.waitDone(runId)).status).toBe('Succeeded');
    expect((await http.logs(runId)).logs).toBe('survived\n');
  });

  it('the Temporal server restarted on its SQLite file: runs in flight finish', async () => {
    await worker();
    const runId = await api.start({
      language: 'python',
      code: 'import time\ntime.sleep(8)\nprint("after restart")',
      timeout_seconds: 60,
    });
    await api.waitFor(runId, (v) => v.status === 'Running', 60000, 'Running');
    execFileSync('bash', [`${REPO_ROOT}scripts/temporal.sh`, 'restart'], { stdio: 'ignore' });
    const done = await eventually(
      async () => {
        try {
          const v = await api.get(runId);
          return v.status === 'Succeeded' || v.status === 'Failed' ? v : null;
        } catch {
          return null; // the server is still coming back
        }
      },
      120000,
      'the run to finish after the restart',
      500,
    );
    expect(done.status).toBe('Succeeded');
    expect((await api.logs(runId)).logs).toBe('after restart\n');
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApiClient } from '../support/api.js';
import { BUNDLE_PATH, REPO_ROOT } from '../support/paths.js';
import { startProcess, waitForOutput, type Proc } from '../support/processes.js';
import { createStack, runnerObjects, sleep, type Stack } from '../support/stack.js';

const execFileAsync = promisify(execFile);

/** localcluster/cluster.sh COMMAND, without blocking the event loop (the in-process API keeps answering). */
async function cluster(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('bash', [`${REPO_ROOT}localcluster/cluster.sh`, ...args], {
    timeout: 180_000,
  });
  return stdout;
}

/**
 * The Jobs (by uid) and pods (with their creation time) of one run, sampled every 250 ms until stopped;
 * reads that fail (API server down) are skipped. A run's pod lives for seconds: no sample misses it.
 */
function sampleSandboxes(stack: Stack, runId: string) {
  const jobs = new Set<string>();
  const pods = new Map<string, Date | undefined>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const o = await runnerObjects(stack.kube, stack.cfg.runner.namespace, runId).catch(() => null);
      for (const j of o?.jobs ?? []) jobs.add(j.metadata?.uid ?? '?');
      for (const p of o?.pods ?? []) pods.set(p.metadata?.name ?? '?', p.metadata?.creationTimestamp);
      await sleep(250);
    }
  })();
  return {
    jobs,
    pods,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

// Crashes some seconds apart, as in the issue: client-go grows a watch's retry backoff with each failed
// attempt, so components left running act late (docs/local-cluster.md, 23). Crashes in quick succession
// grow it less: the watches sleep through them. A healthy cluster creates a run's pod within a second of
// submission and starts it within ~3 s; with `up` before the fix these runs started 10-44 s late.
const RESTARTS = 4;
const RESTART_SPACING_MS = 10_000;
const POD_CREATED_WITHIN_MS = 5_000;
const STARTED_WITHIN_MS = 10_000;

/** kube-apiserver killed (SIGKILL) under a running run and brought back by `localcluster/cluster.sh up`. */
describe('API server crash', () => {
  let stack: Stack;
  let api: ApiClient;
  let worker: Proc;
  beforeAll(async () => {
    stack = await createStack();
    api = new ApiClient(stack.app);
    worker = startProcess('worker', { ...stack.env, WORKFLOW_BUNDLE_PATH: BUNDLE_PATH });
    await waitForOutput(worker, /worker: polling/, 30000);
  });
  afterAll(async () => {
    await cluster('up'); // never leave the API server down, whatever failed
    await worker?.kill('SIGKILL');
    await stack?.close();
  });

  it('the run in flight finishes once, and the runs submitted after `up` get their pods promptly', async () => {
    const runId = await api.start({
      language: 'python',
      code: 'import time\ntime.sleep(15)\nprint("survived")',
      timeout_seconds: 90,
    });
    const running = await api.waitFor(runId, (v) => v.status === 'Running', 60000, 'Running');
    const sandboxes = sampleSandboxes(stack, runId);
    for (let i = 0; i < RESTARTS; i++) {
      if (i > 0) await sleep(RESTART_SPACING_MS);
      expect(await cluster('kill', 'kube-apiserver')).toMatch(/^killed kube-apiserver/);
      expect(await cluster('up')).toMatch(/^cluster up in/);
    }

    const submitted = Date.now();
    const next = await Promise.all([1, 2, 3].map((i) => api.start({ language: 'python', code: `print("next ${i}")` })));
    const nextSandboxes = next.map((id) => sampleSandboxes(stack, id));
    const nextDone = await Promise.all(next.map((id) => api.waitDone(id, 90000)));
    for (const s of nextSandboxes) await s.stop();

    const done = await api.waitDone(runId, 90000);
    await sandboxes.stop();
    expect(done.status).toBe('Succeeded');
    expect((await api.logs(runId)).logs).toBe('survived\n');
    expect(done.pod_name).toBe(running.pod_name);
    expect(sandboxes.jobs.size).toBe(1);
    expect([...sandboxes.pods.keys()]).toEqual([running.pod_name]);

    // From submission: when Kubernetes created each pod, and when its container started.
    const starts = nextDone.map((v, i) => {
      const [created] = [...nextSandboxes[i]!.pods.values()];
      const createdMs = (created?.getTime() ?? Infinity) - submitted;
      const startedMs = (v.started_at ? Date.parse(v.started_at) : Infinity) - submitted;
      return { run: v.run_id, status: v.status, createdMs, startedMs };
    });
    const late = starts.filter(
      (s) => s.status !== 'Succeeded' || s.createdMs >= POD_CREATED_WITHIN_MS || s.startedMs >= STARTED_WITHIN_MS,
    );
    expect(late).toEqual([]);
    for (const [i, id] of next.entries()) expect((await api.logs(id)).logs).toBe(`next ${i + 1}\n`);
  });
});

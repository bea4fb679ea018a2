import request from 'supertest';
import { Worker } from '@temporalio/worker';
import { objectName } from '../../src/domain/names.js';
import { admissionWorkflowId } from '../../src/workflows/definitions.js';
import { BUNDLE_PATH } from '../support/paths.js';
import { ApiClient } from '../support/api.js';
import { PodPeak } from '../support/peak.js';
import { createStack, eventually, runnerObjects, sleep, type Stack } from '../support/stack.js';

/** Grants of one batch land within this of each other (see the FIFO check). */
const SAME_BATCH_MS = 500;

/**
 * Admission control on the real stack: the cap holds pod by pod (a watch, not samples), runs over it wait
 * in Temporal as Queued, in submission order, visible in /system/queue and cancellable while they wait.
 */
describe('admission control: the true queue', () => {
  let stack: Stack;
  let api: ApiClient;
  beforeAll(async () => {
    stack = await createStack({ MAX_ACTIVE_RUNS: '2', ADMISSION_AUDIT_SECONDS: '2' });
    await stack.startWorker();
    api = new ApiClient(stack.app);
  });
  afterAll(async () => {
    await stack.close();
  });

  const queue = async () => (await request(stack.app).get('/system/queue').expect(200)).body;
  const sleeper = (s: number, tag: string) => ({
    language: 'python',
    code: `import time\ntime.sleep(${s})\nprint("${tag}")`,
    timeout_seconds: 60,
  });

  /** Two long runs take both slots (cap 2) and are Running. */
  const fillBothSlots = async () => {
    const holders = [await api.start(sleeper(60, 'a')), await api.start(sleeper(60, 'b'))];
    await Promise.all(holders.map((id) => api.waitFor(id, (v) => v.status === 'Running', 60000, 'Running')));
    return holders;
  };

  it('never more than the cap at once; the rest wait Queued, first come first served, and all finish', async () => {
    const ids: string[] = [];
    const peak = new PodPeak(stack.kube, stack.cfg.runner.namespace, (id) => ids.includes(id));
    await peak.start();
    try {
      for (let i = 0; i < 6; i++) ids.push(await api.start(sleeper(2, `run ${i}`)));
      // Two run, four wait: in Temporal (status Queued), listed oldest first, counted in queue_depth.
      const q = await eventually(
        async () => {
          const b = await queue();
          return b.admitted_runs === 2 && b.queue_depth === 4 && b.queued_run_ids.length === 4 ? b : null;
        },
        20000,
        'two admitted runs and four queued',
      );
      expect(q.max_active_runs).toBe(2);
      expect(q.open_runs).toBe(6);
      // Waiting runs are listed in submission order (the first admissions may race by a few ms).
      expect(q.queued_run_ids).toEqual(ids.filter((id) => q.queued_run_ids.includes(id)));
      expect(q.queued_run_ids).toContain(ids[5]);
      const waited: string[] = q.queued_run_ids;
      const done = await Promise.all(ids.map((id) => api.waitDone(id, 120000)));
      expect(done.map((d) => d.status)).toEqual(Array(6).fill('Succeeded'));
      expect((await Promise.all(ids.map((id) => api.logs(id)))).map((l) => l.logs)).toEqual(
        ids.map((_, i) => `run ${i}\n`),
      );
      // The runs that waited started in the order they were submitted. Two runs freed together are
      // granted in one batch, and their Pending times (each its own workflow task's time) can differ by a
      // millisecond either way (seen once in CI); out of order means a wave apart (2 s runs), so a
      // tolerance of 500 ms keeps the check meaningful.
      const pendingAt = (id: string) =>
        Date.parse(done[ids.indexOf(id)]!.status_history.find((h) => h.status === 'Pending')!.at);
      for (let i = 1; i < waited.length; i++)
        expect(pendingAt(waited[i]!)).toBeGreaterThanOrEqual(pendingAt(waited[i - 1]!) - SAME_BATCH_MS);
    } finally {
      peak.stop();
    }
    expect(peak.seen.size).toBe(6);
    expect(peak.peakExisting).toBeLessThanOrEqual(2);
    expect(peak.peakLive).toBe(2);
    expect((await queue()).queue_depth).toBe(0);
    // The queue's and the runs' histories replay deterministically with the workflow code (a worker
    // that lost its cache must reach the same state, or the queue stalls).
    const queueId = admissionWorkflowId(stack.cfg.temporal.taskQueue);
    const histories = await Promise.all(
      [queueId, ...ids].map(async (workflowId) => ({
        workflowId,
        history: await stack.client.workflow.getHandle(workflowId).fetchHistory(),
      })),
    );
    const replays = [];
    for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath: BUNDLE_PATH } }, histories))
      replays.push(r);
    expect(replays.map((r) => [r.workflowId, r.error?.message])).toEqual(
      histories.map((h) => [h.workflowId, undefined]),
    );
  });

  it('a queued run can be cancelled: it ends Cancelled without ever creating a Job', async () => {
    const holders = await fillBothSlots();
    const waiting = await api.start(sleeper(1, 'never'));
    await sleep(1500);
    expect((await api.get(waiting)).status).toBe('Queued');
    expect((await queue()).queued_run_ids).toEqual([waiting]);
    const res = await api.cancel(waiting);
    expect(res.status).toBe(202);
    const done = await api.waitDone(waiting, 15000);
    expect(done.status).toBe('Cancelled');
    expect(done.reason).toContain('while queued');
    expect(done.status_history.map((h) => h.status)).toEqual(['Queued', 'Cancelled']);
    const objs = await runnerObjects(stack.kube, stack.cfg.runner.namespace, waiting);
    expect(objs.jobs.length + objs.pods.length + objs.configMaps.length).toBe(0);
    for (const id of holders) await api.cancel(id);
    await Promise.all(holders.map((id) => api.waitDone(id, 30000)));
  });

  it('a slot held by a run terminated by hand is reclaimed by the audit, and the queue moves on', async () => {
    const holders = await fillBothSlots();
    const next = await api.start(sleeper(1, 'next'));
    await sleep(1000);
    expect((await api.get(next)).status).toBe('Queued');
    // An operator terminates a run in the Temporal UI: no clean-up code runs, no release is sent.
    await stack.client.workflow.getHandle(holders[0]!).terminate('operator');
    const done = await api.waitDone(next, 60000);
    expect(done.status).toBe('Succeeded');
    await api.cancel(holders[1]!);
    await api.waitDone(holders[1]!, 30000);
    // The terminated run's Job is a leak by construction (the sweeper's case); remove it here.
    await stack.kube.batch.deleteNamespacedJob({
      name: objectName(holders[0]!),
      namespace: stack.cfg.runner.namespace,
      propagationPolicy: 'Background',
      gracePeriodSeconds: 0,
    });
  });
});

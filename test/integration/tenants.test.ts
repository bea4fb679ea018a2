import request from 'supertest';
import { suiteKeys } from '../support/keys-cli.js';
import type { RunView } from '../../src/domain/run-view.js';
import { createStack, eventually, terminateRuns, type Stack } from '../support/stack.js';

const suite = suiteKeys('tenants');
const keys = suite.cli;

const sleeper = (s: number, tag: string) => ({
  language: 'python',
  code: `import time\ntime.sleep(${s})\nprint("${tag}")`,
  timeout_seconds: 30,
});

/** When the run left the queue (its first Pending), in ms. */
const admittedAt = (v: RunView): number => Date.parse(v.status_history.find((h) => h.status === 'Pending')?.at ?? '');
const finishedAt = (v: RunView): number => Date.parse(v.finished_at ?? '');

/**
 * Tenants on the whole stack, with keys on and a cluster cap of 2: each tenant sees only its own runs; a
 * tenant's burst does not starve another; a tenant's own cap holds. Keys are made by the real CLI.
 */
describe('tenants: isolation, fair admission, per-tenant concurrency', () => {
  let stack: Stack;
  const k = { burst: '', calm: '', capped: '', admin: '' };
  const started: string[] = [];
  beforeAll(async () => {
    k.burst = await keys('create', '--tenant', 'burst', '--scopes', 'submit,read,cancel');
    k.calm = await keys('create', '--tenant', 'calm', '--scopes', 'submit,read,cancel');
    k.capped = await keys('create', '--tenant', 'capped', '--scopes', 'submit,read', '--max-concurrent', '1');
    k.admin = await keys('create', '--tenant', 'ops', '--scopes', 'admin');
    stack = await createStack({ ...suite.env, MAX_ACTIVE_RUNS: '2' });
    await stack.startWorker();
  });
  afterAll(async () => {
    if (stack) await terminateRuns(stack, started, 'tenants test done');
    await stack?.close();
    await suite.remove(stack?.kube);
  });

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const submit = async (key: string, body: object): Promise<string> => {
    const res = await request(stack.app).post('/runs').set(as(key)).send(body);
    if (res.status !== 201) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
    started.push(res.body.run_id as string);
    return res.body.run_id as string;
  };
  const view = async (id: string, key = k.admin): Promise<RunView> =>
    (await request(stack.app).get(`/runs/${id}`).set(as(key)).expect(200)).body as RunView;
  const finished = (ids: string[]) =>
    eventually(
      async () => {
        const views = await Promise.all(ids.map((id) => view(id)));
        return views.every((v) => v.status === 'Succeeded') ? views : null;
      },
      90_000,
      'every run Succeeded',
    );

  it('shows each tenant only its own runs, through every API; an admin key sees all', async () => {
    const id = await submit(k.burst, { language: 'python', code: 'print(1)' });
    for (const path of [`/runs/${id}`, `/runs/${id}/logs`, `/runs/${id}/input`, `/runs/${id}/events`]) {
      const res = await request(stack.app).get(path).set(as(k.calm));
      expect([path, res.status, res.body?.error?.code]).toEqual([path, 404, 'run_not_found']);
    }
    expect((await request(stack.app).delete(`/runs/${id}`).set(as(k.calm))).status).toBe(404);
    expect((await request(stack.app).get(`/submissions/${id}`).set('X-Auth-Token', k.calm)).status).toBe(404);
    expect((await request(stack.app).get(`/runs/${id}`).set(as(k.burst))).status).toBe(200);
    await finished([id]);
    const listed = async (key: string) =>
      ((await request(stack.app).get('/runs?limit=200').set(as(key)).expect(200)).body.runs as RunView[]).map(
        (r) => r.run_id,
      );
    await eventually(async () => ((await listed(k.burst)).includes(id) ? true : null), 10_000, 'listed for burst');
    expect(await listed(k.calm)).not.toContain(id);
    expect(await listed(k.admin)).toContain(id);
  }, 120_000);

  it("a tenant's burst does not starve another: the next free slot goes to the tenant holding none", async () => {
    const burst: string[] = [];
    for (let i = 0; i < 6; i++) burst.push(await submit(k.burst, sleeper(3, `burst ${i}`)));
    // Both slots taken by the burst, four of its runs waiting; then the calm tenant asks for one.
    await eventually(
      async () =>
        (await Promise.all(burst.map((id) => view(id)))).filter((v) => v.status === 'Queued').length === 4
          ? true
          : null,
      30_000,
      'two burst runs admitted, four queued',
    );
    const calm = await submit(k.calm, sleeper(1, 'calm'));
    const [calmView, ...burstViews] = await finished([calm, ...burst]);
    const laterBurst = burstViews
      .map(admittedAt)
      .sort((a, b) => a - b)
      .slice(2);
    // Admitted with the first free slot, ahead of the burst runs that were already waiting: at most one of
    // them goes in the same batch (both slots free together, and a batch's grants land in any order).
    // First come, first served would admit all four before it.
    expect(admittedAt(calmView!)).toBeLessThan(laterBurst[1]!);
  }, 150_000);

  it("a tenant's own cap holds even while the cluster has free slots", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await submit(k.capped, sleeper(2, `capped ${i}`)));
    const views = (await finished(ids)).sort((a, b) => admittedAt(a) - admittedAt(b));
    // One at a time: each was admitted only after the previous one finished.
    for (let i = 1; i < views.length; i++)
      expect(admittedAt(views[i]!)).toBeGreaterThanOrEqual(finishedAt(views[i - 1]!) - 1000);
  }, 120_000);
});

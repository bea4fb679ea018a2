// Over 300 lines on purpose: keys, scopes, limits and audit as a client meets them, on one stack and one Secret.
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { pistonPaths } from '../../src/api/app.js';
import { LanguagesService } from '../../src/api/languages-service.js';
import { servePistonConnect } from '../../src/api/piston/connect.js';
import request from 'supertest';
import type { AuditEvent } from '../../src/api/audit.js';
import { startKeys } from '../../src/api/keys/index.js';
import { runRecord } from '../../src/api/run-output.js';
import { createStack, eventually, sleep, terminateRuns, type Stack } from '../support/stack.js';
import { serveLocal } from '../support/serve.js';
import { suiteKeys } from '../support/keys-cli.js';

const suite = suiteKeys('keys');
const keys = suite.cli;
const PY = { language: 'python', code: 'print(6*7)' };

/**
 * API keys as a client meets them, on the whole stack (the real app, Temporal, a worker, the cluster): the
 * keys live in a Secret of the test namespace written by the real CLI, which the API follows by a watch.
 */
describe('API keys, scopes, rate limits, tenant maxima and audit', () => {
  let stack: Stack;
  const audit: AuditEvent[] = [];
  const k = { acme: '', reader: '', slow: '', other: '' };

  beforeAll(async () => {
    k.acme = await keys(
      'create',
      '--tenant',
      'acme',
      '--scopes',
      'submit,read,cancel',
      '--rpm',
      '1000',
      '--max-timeout',
      '5',
      '--max-memory',
      '128',
    );
    k.reader = await keys('create', '--tenant', 'acme', '--scopes', 'read');
    k.slow = await keys('create', '--tenant', 'slow', '--scopes', 'read', '--rpm', '6');
    k.other = await keys('create', '--tenant', 'other', '--scopes', 'submit,read', '--max-concurrent', '2');
    stack = await createStack(suite.env, { audit: (e) => audit.push(e) });
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack?.close();
    await suite.remove(stack?.kube);
  });

  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

  it('refuses a request without a key, with a wrong or malformed one: 401 with WWW-Authenticate', async () => {
    const none = await request(stack.app).get('/runs');
    expect(none.status).toBe(401);
    expect(none.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.body.error.code).toBe('unauthorized');
    const wrongSecret = k.acme.slice(0, -4) + 'AAAA';
    for (const headers of [bearer(wrongSecret), bearer('crk_nope'), { 'X-API-Key': 'hunter2' }]) {
      const res = await request(stack.app).post('/runs').set(headers).send(PY);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    // Refused submissions are audited too, with nobody named.
    expect(audit).toContainEqual(
      expect.objectContaining({ audit: 'run.submit', tenant: null, key_id: null, outcome: 'unauthorized' }),
    );
    // Probes and the queue KEDA reads stay open.
    expect((await request(stack.app).get('/health')).status).toBe(200);
    const queue = await request(stack.app).get('/system/queue');
    expect(queue.status).toBe(200);
    expect(queue.body.queued_run_ids).toEqual([]); // run ids only for an admin key
  });

  it('refuses a read-only key on submit (403 forbidden_scope) and lets it read', async () => {
    const res = await request(stack.app).post('/runs').set(bearer(k.reader)).send(PY);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'forbidden_scope', details: { scope: 'submit' } });
    expect(audit.at(-1)).toMatchObject({
      audit: 'run.submit',
      tenant: 'acme',
      key_id: k.reader.split('_')[1],
      run_id: null,
      outcome: 'forbidden_scope',
    });
    expect((await request(stack.app).get('/runs?limit=1').set('X-API-Key', k.reader)).status).toBe(200);
  });

  it('runs a submission under its tenant, records the tenant in its input, and audits it', async () => {
    const res = await request(stack.app).post('/runs?wait=true').set(bearer(k.acme)).send(PY);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'Succeeded', logs: '42\n' });
    const input = await request(stack.app).get(`/runs/${res.body.run_id}/input`).set(bearer(k.reader));
    expect(input.body).toMatchObject({ tenant: 'acme', timeout_seconds: 5 }); // the default 10 s, lowered to acme's 5
    const keyId = k.acme.split('_')[1];
    expect(audit).toContainEqual(
      expect.objectContaining({
        audit: 'run.submit',
        tenant: 'acme',
        key_id: keyId,
        run_id: res.body.run_id,
        language: 'python',
        client: 'native',
        outcome: 'accepted',
      }),
    );
    // A finished run cannot be cancelled: the refusal is audited too.
    const cancel = await request(stack.app).delete(`/runs/${res.body.run_id}`).set(bearer(k.acme));
    expect(cancel.status).toBe(409);
    expect(audit.at(-1)).toMatchObject({ audit: 'run.cancel', run_id: res.body.run_id, outcome: 'run_finished' });
    expect(Date.parse(audit.at(-1)?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it("keeps each tenant's Idempotency-Keys apart", async () => {
    const idem = { 'Idempotency-Key': `same-key-${randomUUID()}` };
    const a = await request(stack.app)
      .post('/runs')
      .set({ ...bearer(k.acme), ...idem })
      .send(PY);
    const again = await request(stack.app)
      .post('/runs')
      .set({ ...bearer(k.acme), ...idem })
      .send(PY);
    const b = await request(stack.app)
      .post('/runs')
      .set({ ...bearer(k.other), ...idem })
      .send(PY);
    expect([a.status, again.status, b.status]).toEqual([201, 200, 201]);
    expect(again.body.run_id).toBe(a.body.run_id);
    expect(b.body.run_id).not.toBe(a.body.run_id);
  });

  it('cancels with the cancel scope only, and audits the cancel', async () => {
    const started = await request(stack.app)
      .post('/runs')
      .set(bearer(k.acme))
      .send({ language: 'python', code: 'import time\ntime.sleep(30)' });
    expect(started.status).toBe(201);
    const id: string = started.body.run_id;
    expect((await request(stack.app).delete(`/runs/${id}`).set(bearer(k.other))).status).toBe(403);
    const cancel = await request(stack.app).delete(`/runs/${id}`).set(bearer(k.acme));
    expect(cancel.status).toBe(202);
    expect(audit.at(-1)).toMatchObject({ audit: 'run.cancel', run_id: id, tenant: 'acme', outcome: 'accepted' });
    await eventually(
      async () => (await request(stack.app).get(`/runs/${id}`).set(bearer(k.acme))).body.status === 'Cancelled',
      60_000,
      'the run to be cancelled',
    );
  });

  it("refuses a run over its tenant's maxima with 422 limit_exceeded naming the field", async () => {
    const time = await request(stack.app)
      .post('/runs')
      .set(bearer(k.acme))
      .send({ ...PY, timeout_seconds: 30 });
    expect(time.status).toBe(422);
    expect(time.body.error.code).toBe('limit_exceeded');
    expect(time.body.error.details).toEqual([
      { field: 'body.timeout_seconds', message: expect.stringContaining('5 s') },
    ]);
    const memory = await request(stack.app)
      .post('/runs')
      .set(bearer(k.acme))
      .send({ ...PY, limits: { memory_mb: 512 } });
    expect(memory.status).toBe(422);
    expect(memory.body.error.details[0].field).toBe('body.limits.memory_mb');
    expect(audit.at(-1)).toMatchObject({
      audit: 'run.submit',
      tenant: 'acme',
      run_id: null,
      outcome: 'limit_exceeded',
    });
    // Another tenant without maxima may ask for it.
    const other = await request(stack.app)
      .post('/runs')
      .set(bearer(k.other))
      .send({ ...PY, timeout_seconds: 30 });
    expect(other.status).toBe(201);
    // Its run carries the tenant's cap on runs at once, for the admission workflow.
    const { input } = await runRecord(stack.client, other.body.run_id);
    expect(input).toMatchObject({ tenant: 'other', tenantMaxActiveRuns: 2, timeoutSeconds: 30 });
  });

  it('rate-limits one tenant (429, Retry-After, RateLimit headers) while another goes on, then lets it in again', async () => {
    // Two tenants at once over the network, 60 requests each, interleaved: "slow" may make 6 a minute,
    // "acme" 1000.
    const { server, base } = await serveLocal(stack.app);
    const url = `${base}/languages`;
    try {
      const burst = await Promise.all(
        Array.from({ length: 120 }, (_, i) => fetch(url, { headers: bearer(i % 2 ? k.slow : k.reader) })),
      );
      const slow = burst.filter((_, i) => i % 2);
      const acme = burst.filter((_, i) => !(i % 2));
      expect(acme.map((r) => r.status)).toEqual(Array(60).fill(200));
      expect(slow.filter((r) => r.status === 200)).toHaveLength(6);
      const refused = slow.filter((r) => r.status === 429);
      expect(refused).toHaveLength(54);
      const r = refused[0];
      expect(((await r?.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
      expect(r?.headers.get('retry-after')).toBe('10'); // 6 a minute: one every 10 s
      expect(r?.headers.get('ratelimit-limit')).toBe('6');
      expect(r?.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(r?.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      expect(r?.headers.get('ratelimit-policy')).toBe('6;w=60');
      expect(slow.find((x) => x.status === 200)?.headers.get('ratelimit-limit')).toBe('6');
      expect(acme[0]?.headers.get('ratelimit-limit')).toBe('1000');
      await sleep(Number(r?.headers.get('retry-after')) * 1000);
      const again = await fetch(url, { headers: bearer(k.slow) });
      expect(again.status).toBe(200);
      expect(again.headers.get('ratelimit-remaining')).toBe('0');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('needs a key on the Judge0 and Piston APIs too (X-Auth-Token, Authorization), with their scopes and maxima', async () => {
    const j0 = { source_code: 'print(1)', language_id: 71 };
    // Each API's clients get its own error shape: Judge0 {error}, Piston {message}.
    const noKey = await request(stack.app).post('/judge0/submissions').send(j0);
    expect(noKey.status).toBe(401);
    expect(noKey.body).toEqual({ error: expect.stringContaining('API key') });
    expect((await request(stack.app).get('/statuses')).status).toBe(401);
    expect((await request(stack.app).post('/submissions').set('X-Auth-Token', k.reader).send(j0)).status).toBe(403);
    const sub = await request(stack.app).post('/judge0/submissions').set('X-Auth-Token', k.acme).send(j0);
    expect(sub.status).toBe(201);
    expect(audit.at(-1)).toMatchObject({
      client: 'judge0',
      tenant: 'acme',
      run_id: sub.body.token,
      outcome: 'accepted',
    });
    const over = await request(stack.app)
      .post('/judge0/submissions')
      .set('X-Auth-Token', k.acme)
      .send({ ...j0, wall_time_limit: 8 });
    expect(over.status).toBe(422);
    expect(Object.keys(over.body)).toEqual(['wall_time_limit']);
    expect(over.body.wall_time_limit[0]).toContain("your tenant's maximum is 5");
    expect(
      (await request(stack.app).get(`/judge0/submissions/${sub.body.token}`).set('X-Auth-Token', k.reader)).status,
    ).toBe(200);

    const piston = { language: 'python', version: '*', files: [{ content: 'print(7)' }] };
    const pistonNoKey = await request(stack.app).post('/api/v2/execute').send(piston);
    expect(pistonNoKey.status).toBe(401);
    expect(pistonNoKey.body).toEqual({ message: expect.stringContaining('API key') });
    expect((await request(stack.app).get('/piston/api/v2/runtimes')).status).toBe(401);
    expect((await request(stack.app).post('/piston/api/v2/execute').set(bearer(k.reader)).send(piston)).status).toBe(
      403,
    );
    const ran = await request(stack.app).post('/api/v2/execute').set(bearer(k.acme)).send(piston);
    expect(ran.status).toBe(200);
    expect(ran.body.run.stdout).toBe('7\n');
    expect(audit.at(-1)).toMatchObject({ client: 'piston', tenant: 'acme', outcome: 'accepted' });
  });

  it("needs a key with the submit scope on Piston's WebSocket too", async () => {
    const { server, base } = await serveLocal(stack.app);
    const sockets = servePistonConnect(server, pistonPaths(stack.cfg.piston.prefix), {
      cfg: stack.cfg,
      runs: stack.runs,
      languages: new LanguagesService(stack.cfg, null),
      kube: stack.kube,
      ...(stack.keys ? { keys: stack.keys.registry } : {}),
    });
    const url = `${base.replace('http:', 'ws:')}/api/v2/connect`;
    /** The upgrade's HTTP status (101 when the socket opened), then the first message if it opened. */
    const open = (headers: Record<string, string>) =>
      new Promise<{ status: number; first?: Record<string, unknown> }>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
        ws.once('open', () =>
          ws.send(JSON.stringify({ type: 'init', language: 'python', version: '*', files: [{ content: 'print(5)' }] })),
        );
        ws.once('message', (d: Buffer) => {
          resolve({ status: 101, first: JSON.parse(d.toString()) as Record<string, unknown> });
          ws.close();
        });
      });
    try {
      expect((await open({})).status).toBe(401);
      expect((await open(bearer(k.reader))).status).toBe(403);
      const ok = await open(bearer(k.acme));
      expect(ok).toMatchObject({ status: 101, first: { type: 'runtime', language: 'python' } });
      expect(audit.at(-1)).toMatchObject({ client: 'piston', tenant: 'acme', run_id: ok.first?.run_id });
      // The interactive run would wait for its client's hello: end it now.
      await terminateRuns(stack, [String(ok.first?.run_id)], 'keys test: session closed');
    } finally {
      for (const ws of sockets.clients) ws.terminate();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('takes a new key and a revocation by the CLI within seconds, without a restart', async () => {
    const fresh = await keys('create', '--tenant', 'late', '--scopes', 'read');
    const t0 = Date.now();
    await eventually(
      async () => (await request(stack.app).get('/runs?limit=1').set(bearer(fresh))).status === 200,
      10_000,
      'the new key to work',
    );
    const created = Date.now() - t0;
    await keys('revoke', fresh.split('_')[1] ?? '');
    const t1 = Date.now();
    await eventually(
      async () => (await request(stack.app).get('/runs?limit=1').set(bearer(fresh))).status === 401,
      10_000,
      'the revoked key to fail',
    );
    const revoked = Date.now() - t1;
    console.log(`keys: a created key worked after ${created} ms, a revoked key failed after ${revoked} ms`);
    expect(created).toBeLessThan(5_000);
    expect(revoked).toBeLessThan(5_000);
    const listed = JSON.parse(await keys('list', '--json')) as {
      keyId: string;
      revokedAt: string | null;
      hash?: string;
    }[];
    expect(listed.find((x) => x.keyId === fresh.split('_')[1])?.revokedAt).toBeTruthy();
    expect(listed.every((x) => x.hash === undefined)).toBe(true);
    // A tenant's limits changed by the CLI count at once too.
    expect(await keys('set-limits', '--tenant', 'slow', '--rpm', '600')).toMatch(/on 1 key/);
    await eventually(
      async () => (await request(stack.app).get('/languages').set(bearer(k.slow))).get('ratelimit-limit') === '600',
      10_000,
      'the new rate to apply',
    );
  });

  it('lets a key made with --expires work until then and refuses it after, by itself', async () => {
    const shortLived = await keys('create', '--tenant', 'brief', '--scopes', 'read', '--expires', '4s');
    const id = shortLived.split('_')[1] ?? '';
    const listed = JSON.parse(await keys('list', '--json')) as { keyId: string; expiresAt: string | null }[];
    const expiresAt = Date.parse(listed.find((x) => x.keyId === id)?.expiresAt ?? '');
    expect(expiresAt - Date.now()).toBeGreaterThan(0);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(4_000);
    await eventually(
      async () => (await request(stack.app).get('/runs?limit=1').set(bearer(shortLived))).status === 200,
      3_000,
      'the short-lived key to work',
    );
    await sleep(Math.max(0, expiresAt - Date.now()) + 50);
    const after = await request(stack.app).get('/runs?limit=1').set(bearer(shortLived));
    expect(after.status).toBe(401);
    expect(after.body.error.message).toMatch(/expired/);
    // A lifetime the CLI cannot read is refused before anything is written.
    await expect(keys('create', '--tenant', 'brief', '--scopes', 'read', '--expires', 'soon')).rejects.toThrow(
      /--expires must be a duration/,
    );
  });

  it('knows no key when the Secret does not exist (every request would be 401)', async () => {
    const absent = await startKeys(
      { ...stack.cfg.keys, secretName: `absent-${randomUUID().slice(0, 8)}` },
      stack.kube,
      () => undefined,
    );
    try {
      expect(absent.registry.size).toBe(0);
      expect(absent.registry.authenticate(k.acme)).toBeNull();
    } finally {
      absent.stop();
    }
  });
});

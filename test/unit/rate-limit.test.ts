import express from 'express';
import request from 'supertest';
import { rateLimit } from '../../src/api/keys/rate-limit.js';
import { errorHandler } from '../../src/api/errors.js';
import type { Caller } from '../../src/domain/tenant.js';

/** The rate limit on a small Express app: the caller comes from a header, the clock is the test's. */
function app(replicas: number, clock: { now: number }) {
  const a = express();
  a.use((req, res, next) => {
    const rpm = Number(req.get('x-rpm'));
    const caller: Caller = {
      tenant: req.get('x-tenant') ?? 't',
      keyId: 'k',
      scopes: ['read'],
      limits: rpm ? { requestsPerMinute: rpm } : {},
    };
    res.locals.caller = caller;
    next();
  });
  a.use(rateLimit(replicas, () => clock.now));
  a.get('/x', (_req, res) => void res.json({ ok: true }));
  a.use(errorHandler);
  return a;
}

describe('request rate per tenant (the middleware)', () => {
  it("enforces this replica's share of the rate and says so in the headers", async () => {
    const clock = { now: 0 };
    const a = app(2, clock);
    const get = () => request(a).get('/x').set({ 'x-rpm': '10', 'x-tenant': 'acme' });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await get()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]); // 10 a minute over 2 replicas: 5 here
    const refused = await get();
    expect(refused.headers).toMatchObject({
      'ratelimit-limit': '5',
      'ratelimit-remaining': '0',
      'ratelimit-policy': '5;w=60',
      'retry-after': '12',
    });
    expect(refused.body.error).toMatchObject({
      code: 'rate_limited',
      details: { tenant: 'acme', retry_after_seconds: 12 },
    });
    clock.now += 12_000;
    expect((await get()).status).toBe(200);
  });

  it('keeps tenants apart and leaves a tenant without a rate alone', async () => {
    const clock = { now: 0 };
    const a = app(1, clock);
    expect((await request(a).get('/x').set({ 'x-rpm': '1', 'x-tenant': 'a' })).status).toBe(200);
    expect((await request(a).get('/x').set({ 'x-rpm': '1', 'x-tenant': 'a' })).status).toBe(429);
    expect((await request(a).get('/x').set({ 'x-rpm': '1', 'x-tenant': 'b' })).status).toBe(200);
    const free = await request(a).get('/x').set({ 'x-tenant': 'c' });
    expect(free.status).toBe(200);
    expect(free.headers['ratelimit-limit']).toBeUndefined();
    // A changed rate (set-limits) starts afresh.
    expect((await request(a).get('/x').set({ 'x-rpm': '60', 'x-tenant': 'a' })).status).toBe(200);
  });
});

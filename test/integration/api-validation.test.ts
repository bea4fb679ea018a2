import request from 'supertest';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../src/api/app.js';
import { RunsService } from '../../src/api/runs-service.js';
import { SystemService } from '../../src/api/system-service.js';
import { createStack, type Stack } from '../support/stack.js';

/** Bad input, through the real Express app backed by the real Temporal server. */
describe('API input validation and errors', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await createStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  const post = (body: string | object, type = 'application/json') =>
    request(stack.app)
      .post('/runs')
      .set('Content-Type', type)
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  const expectError = (res: request.Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js:\d+/); // never a stack trace
  };

  it('malformed JSON is 400 malformed_json', async () => {
    expectError(await post('{"language": "python", "code": '), 400, 'malformed_json');
  });

  it('an unknown language is 400 and lists the supported ones', async () => {
    const res = await post({ language: 'cobol', code: 'DISPLAY "HI"' });
    expectError(res, 400, 'unsupported_language');
    expect(res.body.error.message).toContain('python');
    expect(res.body.error.details[0].field).toBe('body.language');
  });

  it('empty code, missing fields and a timeout out of range name each field', async () => {
    const res = await post({ language: 'python', code: '   ', timeout_seconds: 100000 });
    expectError(res, 400, 'invalid_request');
    const fields = res.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.code', 'body.timeout_seconds']));
    const missing = await post({});
    expect(missing.body.error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(['body.language', 'body.code']),
    );
    expectError(await post({ language: 'python', code: 'x', timeout_seconds: 0 }), 400, 'invalid_request');
    expectError(await post({ language: 'python', code: 'x', timeout_seconds: 1.5 }), 400, 'invalid_request');
  });

  it('oversize code is 413 payload_too_large with the limit', async () => {
    const res = await post({ language: 'python', code: 'x'.repeat(stack.cfg.limits.maxCodeBytes + 1) });
    expectError(res, 413, 'payload_too_large');
    expect(res.body.error.details[0].field).toBe('body.code');
  });

  it('code within its limit is accepted whatever its characters (NULs escape to six times their size)', async () => {
    const code = '\0'.repeat(stack.cfg.limits.maxCodeBytes);
    const stdin = '\u0001'.repeat(stack.cfg.limits.maxStdinBytes);
    const res = await post({ language: 'python', code: `${code.slice(1)}#`, stdin });
    expect(res.status).toBe(201);
    await stack.client.workflow.getHandle(res.body.run_id).terminate('test done');
    expectError(await post({ language: 'python', code: `${code}#` }), 413, 'payload_too_large');
  });

  it('a cursor we did not issue is an immediate 400 invalid_cursor, never sent to Temporal', async () => {
    for (const cursor of ['abc', 'AQ', '%00', 'A'.repeat(300)]) {
      const t0 = Date.now();
      const res = await request(stack.app).get('/runs').query({ cursor });
      expectError(res, 400, 'invalid_cursor');
      expect(res.body.error.details[0].field).toBe('query.cursor');
      expect(Date.now() - t0).toBeLessThan(1000); // the bug took Temporal's 5 s call bound
    }
  });

  it('the system status says which kind of Kubernetes access is in use, not where its file is', async () => {
    const res = await request(stack.app).get('/system/status');
    expect(res.status).toBe(200);
    expect(['in-cluster', 'kubeconfig', 'home-kubeconfig']).toContain(res.body.kubernetes.source);
    expect(JSON.stringify(res.body)).not.toContain(process.env.KUBECONFIG ?? '/admin.kubeconfig');
  });

  it('a body over the transport limit is 413 body_too_large', async () => {
    const limits = stack.cfg.limits;
    const over = 6 * Math.max(limits.maxInputBytes, limits.maxCodeBytes + limits.maxStdinBytes) + 17 * 1024;
    expectError(await post({ language: 'python', code: 'x'.repeat(over) }), 413, 'body_too_large');
  });

  it('a body that is not JSON is 415', async () => {
    expectError(await post('language=python', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    expectError(await post('print(1)', 'text/plain'), 415, 'unsupported_media_type');
  });

  it('unknown and malformed run ids are 404 and 400', async () => {
    expectError(await request(stack.app).get('/runs/00000000-0000-4000-8000-000000000000'), 404, 'run_not_found');
    expectError(await request(stack.app).get('/runs/00000000-0000-4000-8000-000000000000/logs'), 404, 'run_not_found');
    expectError(await request(stack.app).delete('/runs/00000000-0000-4000-8000-000000000000'), 404, 'run_not_found');
    expectError(await request(stack.app).get('/runs/bad%20id'), 400, 'invalid_request');
  });

  it('bad list filters are 400 with the field', async () => {
    const res = await request(stack.app).get('/runs?status=Done&limit=5000');
    expectError(res, 400, 'invalid_request');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(
      expect.arrayContaining(['query.status', 'query.limit']),
    );
  });

  it('an unknown route is a JSON 404', async () => {
    expectError(await request(stack.app).get('/nope'), 404, 'route_not_found');
  });

  it('an invalid Idempotency-Key is 400', async () => {
    const res = await post({ language: 'python', code: 'print(1)' }).set('Idempotency-Key', 'x'.repeat(300));
    expectError(res, 400, 'invalid_idempotency_key');
  });

  it('Temporal unreachable is 503 temporal_unavailable, not a stack trace', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' });
    const dead = new Client({ connection, namespace: 'default' });
    const app = createApp({
      cfg: stack.cfg,
      runs: new RunsService(dead, stack.cfg),
      system: new SystemService(dead, stack.kube, stack.cfg),
    });
    const t0 = Date.now();
    const res = await request(app)
      .post('/runs')
      .set('Content-Type', 'application/json')
      .send({ language: 'python', code: 'print(1)' });
    expectError(res, 503, 'temporal_unavailable');
    expect(Date.now() - t0).toBeLessThan(15000);
    expectError(await request(app).get('/runs/00000000-0000-4000-8000-000000000000'), 503, 'temporal_unavailable');
    const ready = await request(app).get('/ready');
    expect(ready.status).toBe(503);
    await connection.close().catch(() => undefined);
  });

  it('health and languages answer', async () => {
    expect((await request(stack.app).get('/health')).body).toEqual({ status: 'ok' });
    const langs = await request(stack.app).get('/languages');
    expect(langs.body.languages.map((l: { id: string }) => l.id)).toEqual(
      expect.arrayContaining(['python', 'javascript']),
    );
  });
});

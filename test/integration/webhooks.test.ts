import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import request from 'supertest';
import { createCallbackActivities } from '../../src/activities/callbacks.js';
import { createApp } from '../../src/api/app.js';
import { SystemService } from '../../src/api/system-service.js';
import { addressChecker } from '../../src/domain/address-policy.js';
import type { RunResult } from '../../src/domain/run.js';
import type { RunView } from '../../src/domain/run-view.js';
import { verifyWebhook } from '../../src/domain/webhook-signature.js';
import { createStack, eventually, type Stack } from '../support/stack.js';

/**
 * Native webhooks end to end: POST /runs with callback_url, the real stack runs it, and the run workflow's
 * deliverCallback POSTs the signed finished run to a REAL receiver on 127.0.0.2 (allowed here through
 * CALLBACK_ALLOWED_CIDRS; loopback is refused by default) that fails for a while before it accepts.
 */
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const FAILURES = 3;

interface Attempt {
  headers: IncomingMessage['headers'];
  body: string;
  /** What the receiver's check said of the signature. */
  verified: boolean;
  /** The run and its output as a client GETs them when the webhook arrives (the workflow still open). */
  seen?: RunView;
  logs?: { logs: string; live: boolean; status: string };
}

describe('native webhooks (real stack, a receiver that fails for a while)', () => {
  let stack: Stack;
  const attempts: Attempt[] = [];
  let close: () => Promise<void>;
  let port = 0;

  beforeAll(async () => {
    stack = await createStack({
      WEBHOOK_SECRET: SECRET,
      CALLBACK_ALLOWED_CIDRS: '127.0.0.2/32',
      CALLBACK_INITIAL_INTERVAL_MS: '200',
      CALLBACK_MAX_INTERVAL_MS: '1000',
    });
    await stack.startWorker();
    // The receiver: 503 for the first FAILURES attempts, then it checks the signature (401 if wrong) and accepts.
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const header = (n: string) => String(req.headers[n] ?? '');
        const verified = verifyWebhook(
          SECRET,
          { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature') },
          body,
          new Date(),
        );
        const attempt: Attempt = { headers: req.headers, body, verified };
        const runId = (JSON.parse(body) as { data: { run_id: string } }).data.run_id;
        void Promise.all([
          request(stack.app).get(`/runs/${runId}`),
          request(stack.app).get(`/runs/${runId}/logs`),
        ]).then(([r, l]) => {
          attempt.seen = r.body as RunView;
          attempt.logs = l.body as Attempt['logs'];
          attempts.push(attempt);
          res.writeHead(attempts.length <= FAILURES ? 503 : verified ? 204 : 401).end();
        });
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.2', ok));
    port = (server.address() as AddressInfo).port;
    close = () => new Promise<void>((ok) => server.close(() => ok()));
  });
  afterAll(async () => {
    await close();
    await stack.close();
  });

  it('POSTs the signed finished run, retried with the same id until the receiver accepts', async () => {
    const res = await request(stack.app)
      .post('/runs')
      .send({ language: 'python', code: 'print("hi")', callback_url: `http://127.0.0.2:${port}/hooks/runs` });
    expect(res.status).toBe(201);
    const runId = (res.body as RunView).run_id;
    await eventually(async () => attempts.length > FAILURES, 120_000, 'the webhook to be accepted', 200);
    const result = (await stack.client.workflow.getHandle(runId).result()) as RunResult;
    expect(result).toMatchObject({ status: 'Succeeded', callback: { delivered: true, status: 204 } });
    expect(attempts).toHaveLength(FAILURES + 1);
    // Every attempt: the same id and body, signed with its own fresh timestamp, verifiable by the receiver.
    for (const a of attempts) {
      expect(a.headers['webhook-id']).toBe(`${runId}:finished`);
      expect(a.headers['x-code-runner-delivery']).toBe(`${runId}:finished`);
      expect(a.headers['content-type']).toBe('application/json');
      expect(a.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(a.verified).toBe(true);
      expect(a.body).toBe(attempts[0]!.body);
    }
    const stamps = attempts.map((a) => Number(a.headers['webhook-timestamp']));
    expect([...stamps].sort()).toEqual(stamps);
    const body = JSON.parse(attempts[0]!.body) as { type: string; timestamp: string; data: RunView & { logs: string } };
    expect(body.type).toBe('run.finished');
    // The run as GET /runs/{id} shows it, with its output; a client reading it back sees it final.
    const get = (await request(stack.app).get(`/runs/${runId}`)).body as RunView;
    expect(body.data).toMatchObject({
      run_id: runId,
      status: 'Succeeded',
      exit_code: 0,
      language: 'python',
      logs: 'hi\n',
      client: 'native',
      status_history: get.status_history,
      temporal_ui_url: get.temporal_ui_url,
      verdict: 'Accepted',
    });
    expect(body.timestamp).toBe(get.finished_at);
    expect(attempts[0]!.seen).toMatchObject({ run_id: runId, status: 'Succeeded' });
    expect(attempts[0]!.logs).toMatchObject({ logs: 'hi\n', live: false, status: 'Succeeded' });
    // The key never enters the run's history: only the activity knows it.
    const history = JSON.stringify(await stack.client.workflow.getHandle(runId).fetchHistory());
    expect(history).not.toContain(SECRET);
    expect(history).not.toContain(SECRET.slice(6));
  });

  it.each([
    ['http://127.0.0.1:9/hook', /127\.0\.0\.1 is a loopback address/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
    ['http://localhost:1/hook', /localhost resolves to a forbidden address/],
  ])('callback_url %s is refused at submission with 422 on the field', async (url, message) => {
    const res = await request(stack.app)
      .post('/runs')
      .send({ language: 'python', code: 'print(1)', callback_url: url });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      error: {
        code: 'callback_url_refused',
        message: expect.any(String),
        details: [{ field: 'body.callback_url', message: expect.stringMatching(message) }],
      },
    });
  });

  it.each([
    ['ftp://example.com/hook', 'callback_url must be an http or https URL'],
    ['http://user:pw@example.com/hook', 'callback_url must not carry credentials'],
    ['not a url', 'callback_url is not a valid URL'],
  ])('a malformed callback_url %s is 400 on the field', async (url, message) => {
    const res = await request(stack.app)
      .post('/runs')
      .send({ language: 'python', code: 'print(1)', callback_url: url });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'invalid_request', details: [{ field: 'body.callback_url', message }] },
    });
  });

  it('without WEBHOOK_SECRET a callback_url is refused (nothing could sign it)', async () => {
    const cfg = { ...stack.cfg, webhooks: {} };
    const app = createApp({ cfg, runs: stack.runs, system: new SystemService(stack.client, stack.kube, cfg) });
    const res = await request(app)
      .post('/runs')
      .send({ language: 'python', code: 'print(1)', callback_url: `http://127.0.0.2:${port}/x` });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      error: { code: 'webhooks_disabled', details: [{ field: 'body.callback_url' }] },
    });
  });

  it('a worker without the key fails a signed delivery for good, before sending anything', async () => {
    const before = attempts.length;
    const unsigned = createCallbackActivities({
      check: addressChecker({ allowPrivate: false, allowedCidrs: ['127.0.0.2/32'] }),
      timeoutMs: 1000,
    });
    const err = await unsigned
      .deliverCallback({
        deliveryId: 'r:finished',
        method: 'POST',
        url: `http://127.0.0.2:${port}/x`,
        headers: {},
        body: '{}',
        signed: true,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'CallbackUnsigned', nonRetryable: true });
    expect(attempts.length).toBe(before);
  });
});

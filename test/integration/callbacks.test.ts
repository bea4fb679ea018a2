import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import request from 'supertest';
import { createCallbackActivities, type CallbackDeps } from '../../src/activities/callbacks.js';
import { loadConfig } from '../../src/config/config.js';
import { addressChecker } from '../../src/domain/address-policy.js';
import type { CallbackRequest } from '../../src/domain/callback.js';
import type { RunResult } from '../../src/domain/run.js';
import { createStack, eventually, type Stack } from '../support/stack.js';

/**
 * Judge0's callback_url end to end: the real stack (API, Temporal, worker, Kubernetes, launcher) PUTs the
 * finished submission to a REAL HTTP receiver on 127.0.0.2 (allowed for this test through
 * CALLBACK_ALLOWED_CIDRS=127.0.0.2/32; loopback is refused by default, and localhost, 127.0.0.1, stays so). The delivery-time policy and its pinned
 * connection are exercised on the real activity against the same kind of receiver.
 */
type Json = Record<string, unknown>;
interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The submission as a client GETs it at the moment the callback arrives. */
  seen?: Json;
}

/** A real receiver on `host`: `answer` decides each request's status; a request is recorded once answered. */
async function receiver(host: string, answer: (r: Received, n: number) => Promise<number> | number) {
  const got: Received[] = [];
  const counts = new Map<string, number>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const n = (counts.get(r.path) ?? 0) + 1;
      counts.set(r.path, n);
      void Promise.resolve(answer(r, n)).then((status) => {
        got.push(r);
        if (status === 302) res.setHeader('Location', `http://${host}:1/elsewhere`);
        res.writeHead(status).end();
      });
    });
  });
  await new Promise<void>((ok) => server.listen(0, host, ok));
  const port = (server.address() as AddressInfo).port;
  return { got, port, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

describe('Judge0 callback_url (real stack, real receiver)', () => {
  let stack: Stack;
  let rx: Awaited<ReturnType<typeof receiver>>;
  const j0 = (method: 'get' | 'post', path: string) => request(stack.app)[method](`/judge0${path}`);

  beforeAll(async () => {
    stack = await createStack({
      CALLBACK_ALLOWED_CIDRS: '127.0.0.2/32',
      CALLBACK_INITIAL_INTERVAL_MS: '200',
      CALLBACK_MAX_INTERVAL_MS: '1000',
    });
    await stack.startWorker();
    rx = await receiver('127.0.0.2', async (r, n) => {
      // What a receiver does with a callback: read the submission back.
      const token = (JSON.parse(r.body) as { token: string }).token;
      r.seen = (await j0('get', `/submissions/${token}?fields=*`)).body as Json;
      return r.path === '/flaky' && n <= 2 ? 503 : 204;
    });
  });
  afterAll(async () => {
    await rx.close();
    await stack.close();
  });

  const submit = async (callbackUrl: string) => {
    const res = await j0('post', '/submissions').send({
      language_id: 71,
      source_code: 'print("hi")',
      callback_url: callbackUrl,
    });
    expect(res.status).toBe(201);
    return String((res.body as { token: string }).token);
  };
  const arrived = (path: string, count = 1) =>
    eventually(
      async () => (rx.got.filter((g) => g.path === path).length >= count ? true : null),
      120_000,
      `${count} PUT(s) to ${path}`,
      200,
    );

  it('PUTs the finished submission, in Judge0 JSON, once its final status can be read', async () => {
    const token = await submit(`http://127.0.0.2:${rx.port}/done`);
    await arrived('/done');
    const [put] = rx.got.filter((g) => g.path === '/done');
    expect(put?.headers['content-type']).toBe('application/json');
    expect(put?.headers['x-code-runner-delivery']).toBe(token);
    const body = JSON.parse(put?.body ?? '{}') as Json;
    expect(Object.keys(body).sort()).toEqual(
      ['compile_output', 'memory', 'message', 'status', 'stderr', 'stdout', 'time', 'token'].sort(),
    );
    expect(body).toMatchObject({ token, status: { id: 3, description: 'Accepted' }, stdout: 'aGkK\n', stderr: null });
    expect(Buffer.from(String(body.stdout), 'base64').toString()).toBe('hi\n');
    // The client reading the run back from inside the callback sees it final, with its output.
    expect(put?.seen).toMatchObject({
      token,
      status_id: 3,
      stdout: 'hi\n',
      callback_url: `http://127.0.0.2:${rx.port}/done`,
    });
    const result = (await stack.client.workflow.getHandle(token).result()) as RunResult;
    expect(result).toMatchObject({ status: 'Succeeded', callback: { delivered: true, status: 204 } });
  });

  it('a receiver that answers 503 twice gets the callback on the third try', async () => {
    const token = await submit(`http://127.0.0.2:${rx.port}/flaky`);
    await arrived('/flaky', 3);
    const result = (await stack.client.workflow.getHandle(token).result()) as RunResult;
    expect(result.callback).toEqual({ delivered: true, status: 204 });
    expect(rx.got.filter((g) => g.path === '/flaky').map((g) => g.headers['x-code-runner-delivery'])).toEqual([
      token,
      token,
      token,
    ]);
  });

  it.each([
    ['http://127.0.0.3/cb', /127\.0\.0\.3 is a loopback address/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
    ['http://10.0.0.1/cb', /10\.0\.0\.1 is a private address/],
    ['http://192.168.1.10:8080/cb', /192\.168\.1\.10 is a private address/],
    ['http://[::1]/cb', /::1 is a loopback address/],
    ['http://[::ffff:169.254.169.254]/cb', /link-local/],
    ['http://0x7f.1/cb', /127\.0\.0\.1 is a loopback address/],
    ['http://localhost:1/cb', /localhost resolves to a forbidden address/],
    ['ftp://example.com/cb', /must be an http or https URL/],
    ['http://u:p@example.com/cb', /must not carry credentials/],
  ])('callback_url %s is refused with 422 on the field', async (url, message) => {
    const res = await j0('post', '/submissions').send({ language_id: 71, source_code: 'print(1)', callback_url: url });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ callback_url: [expect.stringMatching(message)] });
  });
});

/** An activity's failure as its type, retry flag and message (null when it succeeded). */
const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) =>
      e instanceof ApplicationFailure ? { type: e.type, nonRetryable: e.nonRetryable, message: e.message } : e,
  );

/** A PUT of `{}` to `url`, as the workflow asks the activity for one. */
const req = (url: string): CallbackRequest => ({ deliveryId: 'd-1', method: 'PUT', url, headers: {}, body: '{}' });

/** The real activity with 127.0.0.1 allowed; a stand-in resolver, a private CA and the bound when given. */
const loopbackOk = (o: Pick<CallbackDeps, 'resolve' | 'extraCa'> & { timeoutMs?: number } = {}) =>
  createCallbackActivities({
    check: addressChecker({ allowPrivate: false, allowedCidrs: ['127.0.0.1/32'] }),
    timeoutMs: o.timeoutMs ?? 1000,
    ...(o.resolve ? { resolve: o.resolve } : {}),
    ...(o.extraCa ? { extraCa: o.extraCa } : {}),
  });

describe('deliverCallback at delivery time (the real activity, a real receiver)', () => {
  let rx: Awaited<ReturnType<typeof receiver>>;
  beforeAll(async () => {
    rx = await receiver('127.0.0.1', (r) => {
      const m = /^\/status\/(\d+)$/.exec(r.path);
      if (r.path === '/hang') return new Promise<number>(() => undefined);
      return m ? Number(m[1]) : 200;
    });
  });
  afterAll(() => rx.close());

  const strict = createCallbackActivities({
    check: addressChecker({ allowPrivate: false, allowedCidrs: [] }),
    timeoutMs: 2000,
  });
  it('a name that resolves to loopback is refused before any connection, permanently', async () => {
    const before = rx.got.length;
    expect(await failure(strict.deliverCallback(req(`http://localhost:${rx.port}/status/200`)))).toMatchObject({
      type: 'CallbackForbidden',
      nonRetryable: true,
      message: expect.stringMatching(/^localhost resolves to a forbidden address/),
    });
    expect(rx.got.length).toBe(before);
  });

  it('connects to the address it checked: one resolution, pinned, whatever the name says later (rebinding)', async () => {
    const answers = ['127.0.0.1', '10.0.0.1'];
    let lookups = 0;
    const rebinding = async () => [{ address: answers[Math.min(lookups++, 1)] as string, family: 4 }];
    // receiver.invalid resolves nowhere but through the stand-in resolver: reaching the receiver proves the pin.
    const r = await loopbackOk({ resolve: rebinding }).deliverCallback(
      req(`http://receiver.invalid:${rx.port}/status/201`),
    );
    expect(r).toEqual({ status: 201, address: '127.0.0.1' });
    expect(lookups).toBe(1);
    expect(rx.got.at(-1)).toMatchObject({
      path: '/status/201',
      headers: { host: `receiver.invalid:${rx.port}`, 'x-code-runner-delivery': 'd-1' },
    });
    // The second lookup (the rebinding) is refused: every address is checked at each delivery.
    expect(
      await failure(loopbackOk({ resolve: rebinding }).deliverCallback(req(`http://receiver.invalid:${rx.port}/`))),
    ).toMatchObject({
      type: 'CallbackForbidden',
    });
  });

  it.each([
    [404, 'CallbackRejected', true],
    [410, 'CallbackRejected', true],
    [302, 'CallbackRejected', true], // not followed
    [408, 'CallbackFailed', false],
    [429, 'CallbackFailed', false],
    [500, 'CallbackFailed', false],
    [503, 'CallbackFailed', false],
  ])('an answer %i is %s (non-retryable: %s)', async (status, type, nonRetryable) => {
    const base = `http://127.0.0.1:${rx.port}`;
    expect(await failure(loopbackOk().deliverCallback(req(`${base}/status/${status}`)))).toMatchObject({
      type,
      nonRetryable,
    });
    expect(rx.got.some((g) => g.path === '/elsewhere')).toBe(false);
  });

  it('a receiver that does not answer in time, or is not there, is retried', async () => {
    expect(await failure(loopbackOk().deliverCallback(req(`http://127.0.0.1:${rx.port}/hang`)))).toMatchObject({
      type: 'CallbackFailed',
      nonRetryable: false,
    });
    expect(await failure(loopbackOk().deliverCallback(req('http://127.0.0.1:1/')))).toMatchObject({
      type: 'CallbackFailed',
      nonRetryable: false,
    });
  });
});

/**
 * https callbacks: a real TLS receiver whose certificate is issued by a CA made here with openssl for the
 * name `receiver.test` (resolved to 127.0.0.1 by a stand-in resolver, as DNS would). The pinned connection
 * must still verify the certificate against the URL's name, and trust a private CA only when configured.
 */
describe('deliverCallback over https (a real TLS receiver, a private CA)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callback-tls-'));
  const sh = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  let server: https.Server;
  let port = 0;
  const seen: { servername: string | false | null; path: string }[] = [];

  beforeAll(async () => {
    sh('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key',
      '-out', 'ca.pem', '-days', '1', '-subj', '/CN=code-runner test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'); // prettier-ignore
    sh('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'leaf.key',
      '-out', 'leaf.csr', '-subj', '/CN=receiver.test'); // prettier-ignore
    writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=DNS:receiver.test\n');
    sh('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', 'leaf.pem', '-days', '1', '-extfile', 'leaf.ext'); // prettier-ignore
    server = https.createServer(
      { key: readFileSync(join(dir, 'leaf.key')), cert: readFileSync(join(dir, 'leaf.pem')) },
      (req, res) => {
        seen.push({ servername: (req.socket as TLSSocket).servername, path: req.url ?? '' });
        req.resume();
        req.on('end', () => res.writeHead(204).end());
      },
    );
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((ok) => server.close(() => ok()));
    rmSync(dir, { recursive: true, force: true });
  });

  const toLoopback = async () => [{ address: '127.0.0.1', family: 4 }];
  const activities = (extraCa?: string) => loopbackOk({ resolve: toLoopback, timeoutMs: 3000, extraCa });
  const put = (host: string, path: string) => req(`https://${host}:${port}${path}`);
  it('delivers to a receiver whose chain ends in the CALLBACK_CA_FILE CA, sending the URL name as SNI', async () => {
    const extraCa = loadConfig({ CALLBACK_CA_FILE: join(dir, 'ca.pem') }).callbacks.extraCa;
    expect(extraCa).toContain('BEGIN CERTIFICATE');
    expect(await activities(extraCa).deliverCallback(put('receiver.test', '/ok'))).toEqual({
      status: 204,
      address: '127.0.0.1',
    });
    expect(seen).toEqual([{ servername: 'receiver.test', path: '/ok' }]);
  });

  it('refuses (and retries) a receiver whose certificate chains to no trusted CA', async () => {
    expect(await failure(activities().deliverCallback(put('receiver.test', '/untrusted')))).toMatchObject({
      type: 'CallbackFailed',
      nonRetryable: false,
      message: expect.stringMatching(/certificate/i),
    });
    expect(seen.map((s) => s.path)).not.toContain('/untrusted');
  });

  it('refuses a trusted certificate that names another host: the pinned address does not loosen TLS', async () => {
    const extraCa = readFileSync(join(dir, 'ca.pem'), 'utf8');
    expect(await failure(activities(extraCa).deliverCallback(put('elsewhere.test', '/mismatch')))).toMatchObject({
      type: 'CallbackFailed',
      message: expect.stringMatching(/altnames|does not match/i),
    });
    expect(seen.map((s) => s.path)).not.toContain('/mismatch');
  });
});

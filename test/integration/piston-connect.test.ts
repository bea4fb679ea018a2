import type { Server } from 'node:http';
import { WebSocket, type WebSocketServer } from 'ws';
import { createApp, pistonPaths } from '../../src/api/app.js';
import { LanguagesService } from '../../src/api/languages-service.js';
import { SystemService } from '../../src/api/system-service.js';
import { servePistonConnect } from '../../src/api/piston/connect.js';
import { ImageCatalog } from '../../src/kube/image-catalog.js';
import { createStack, type Stack } from '../support/stack.js';
import { serveLocal } from '../support/serve.js';

type Msg = Record<string, unknown> & { type: string };

/** A Piston client's session: every message received, and how the socket closed. */
class Client {
  readonly messages: Msg[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];
  readonly ws: WebSocket;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (d: Buffer) => {
      this.messages.push(JSON.parse(d.toString()) as Msg);
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) =>
      this.ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const w of this.waiters.splice(0)) w();
      }),
    );
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  send(msg: object): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** All stdout (or stderr) data so far. */
  text(stream: 'stdout' | 'stderr'): string {
    return this.messages
      .filter((m) => m.type === 'data' && m.stream === stream)
      .map((m) => String(m.data))
      .join('');
  }

  /** Waits until pred holds over the messages (or fails after ms). */
  async until(pred: () => boolean, what: string, ms = 60_000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end || this.ws.readyState === WebSocket.CLOSED)
        throw new Error(`no ${what}; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 500);
      });
    }
  }
}

/**
 * Piston's interactive WebSocket (docs/api-v2.md, "/api/v2/connect"), written from its documentation,
 * against the whole stack: the real API server, Temporal, a worker, the cluster's attach and the launcher.
 */
describe('Piston /api/v2/connect', () => {
  let stack: Stack;
  let server: Server;
  let sockets: WebSocketServer;
  let url: string;
  beforeAll(async () => {
    stack = await createStack();
    await stack.startWorker();
    const { namespace, name } = stack.cfg.runner.imageCatalog;
    const languages = new LanguagesService(stack.cfg, new ImageCatalog(stack.kube, namespace, name));
    const deps = { cfg: stack.cfg, runs: stack.runs, languages };
    const app = createApp({ ...deps, system: new SystemService(stack.client, stack.kube, stack.cfg) });
    let base: string;
    ({ server, base } = await serveLocal(app));
    sockets = servePistonConnect(server, pistonPaths(stack.cfg.piston.prefix), { ...deps, kube: stack.kube });
    url = base.replace('http:', 'ws:');
  });
  afterAll(async () => {
    sockets?.close();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await stack?.close();
  });

  const session = async (path = '/api/v2/connect') => {
    const c = new Client(`${url}${path}`);
    await c.opened();
    return c;
  };

  it('relays stdin in and stdout and stderr out as they happen, and a signal ends the program', async () => {
    const c = await session();
    const code = [
      'import sys',
      "print('ready', flush=True)",
      'for line in sys.stdin:',
      "    print('got', line.strip(), flush=True)",
      "    print('err', line.strip(), file=sys.stderr, flush=True)",
    ].join('\n');
    c.send({ type: 'init', language: 'python', version: '*', files: [{ content: code }], run_timeout: 30000 });
    await c.until(() => c.messages.some((m) => m.type === 'runtime'), 'runtime');
    const runtime = c.messages.find((m) => m.type === 'runtime');
    expect(runtime).toMatchObject({ language: 'python', version: expect.stringMatching(/^3\./) });
    await c.until(() => c.text('stdout').includes('ready\n'), 'ready');
    expect(c.messages.filter((m) => m.type === 'stage')).toEqual([{ type: 'stage', stage: 'run' }]);
    // Each line is answered before the next is sent: the program sees it as typed.
    for (const word of ['one', 'two']) {
      c.send({ type: 'data', stream: 'stdin', data: `${word}\n` });
      await c.until(() => c.text('stdout').includes(`got ${word}\n`), `got ${word}`);
    }
    await c.until(() => c.text('stderr').includes('err two\n'), 'stderr');
    expect(c.text('stderr')).toBe('err one\nerr two\n');
    c.send({ type: 'signal', signal: 'SIGTERM' });
    await expect(c.closed).resolves.toEqual({ code: 4999, reason: 'Job Completed' });
    expect(c.messages.filter((m) => m.type === 'exit')).toEqual([
      { type: 'exit', stage: 'run', code: null, signal: 'SIGTERM' },
    ]);
    expect(c.text('stdout')).toBe('ready\ngot one\ngot two\n');
    // The session is an ordinary run: in our API, with its client.
    const run = await stack.runs.get(String(runtime?.run_id));
    expect(run).toMatchObject({ status: 'Failed', client: 'piston' });
  }, 120_000);

  it('announces the compile and run stages and their exits, under the prefix too', async () => {
    const c = await session(`${stack.cfg.piston.prefix}/api/v2/connect`);
    const code =
      '#include <stdio.h>\nint main(void){char s[64]; if(scanf("%63s", s)==1) printf("hi %s\\n", s); return 4;}';
    c.send({ type: 'init', language: 'c', version: '*', files: [{ content: code }], run_timeout: 20000 });
    await c.until(() => c.messages.some((m) => m.type === 'stage' && m.stage === 'run'), 'run stage');
    c.send({ type: 'data', stream: 'stdin', data: 'there\n' });
    await expect(c.closed).resolves.toEqual({ code: 4999, reason: 'Job Completed' });
    expect(c.messages.filter((m) => m.type === 'stage' || m.type === 'exit')).toEqual([
      { type: 'stage', stage: 'compile' },
      { type: 'exit', stage: 'compile', code: 0, signal: null },
      { type: 'stage', stage: 'run' },
      { type: 'exit', stage: 'run', code: 4, signal: null },
    ]);
    expect(c.text('stdout')).toBe('hi there\n');
  }, 120_000);

  it("closes with Piston's codes: no init in a second, data before init, a bad signal, a bad init", async () => {
    const idle = await session();
    const t0 = Date.now();
    await expect(idle.closed).resolves.toEqual({ code: 4001, reason: 'Initialization Timeout' });
    expect(Date.now() - t0).toBeLessThan(3000);

    const early = await session();
    early.send({ type: 'data', stream: 'stdin', data: 'x' });
    await expect(early.closed).resolves.toMatchObject({ code: 4003 });

    const badInit = await session();
    badInit.send({ type: 'init', language: 'no-such-language', version: '*', files: [{ content: '' }] });
    await expect(badInit.closed).resolves.toMatchObject({ code: 4002 });
    expect(badInit.messages).toEqual([{ type: 'error', message: 'no-such-language-* runtime is unknown' }]);

    const signal = await session();
    signal.send({ type: 'init', language: 'python', version: '*', files: [{ content: 'import time; time.sleep(5)' }] });
    signal.send({ type: 'signal', signal: 'SIGNOPE' });
    await expect(signal.closed).resolves.toMatchObject({ code: 4005 });
  }, 60_000);

  it('answers a plain HTTP request to /connect with a JSON message', async () => {
    const res = await fetch(`${url.replace('ws:', 'http:')}/api/v2/connect`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: expect.stringContaining('WebSocket') });
  });
});

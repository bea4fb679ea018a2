import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KubeClients } from '../../kube/client.js';
import { attachRun, runningPod, type Attached } from '../../kube/attach.js';
import { CLOSE, clientAction, type Close } from '../../domain/piston-socket.js';
import { LaunchStdout, type LaunchEvent } from '../../domain/launch-stdout.js';
import { isTerminal } from '../../domain/run.js';
import { asHttpError } from '../errors.js';
import { HttpError } from '../http-error.js';
import { versionText } from './runtimes.js';
import { startPistonRun, type PistonDeps } from './start.js';
import type { Requester } from '../audit.js';
import { keyFromHeaders } from '../keys/authenticate.js';
import type { KeyRegistry } from '../keys/registry.js';
import { ANONYMOUS, type Caller } from '../../domain/tenant.js';

/** The launcher's frames on the container's stdin (launcher/internal/interactive): type, length, payload. */
const frame = (kind: 'h' | 'd' | 'e' | 's', payload = Buffer.alloc(0)): Buffer => {
  const head = Buffer.alloc(5);
  head.write(kind, 0, 'latin1');
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
};

/** Piston gives a client one second to send its init. */
const INIT_MS = 1000;
/** Bound on one client message (a stdin chunk or an init with its files). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface ConnectDeps extends PistonDeps {
  kube: KubeClients;
  /** The API keys when they are on: the upgrade needs a key with the submit scope. */
  keys?: KeyRegistry;
}

/** Who opens a session: with keys on, the key in the upgrade's headers (401 without, 403 without submit). */
function upgradeCaller(req: IncomingMessage, keys: KeyRegistry | undefined): Caller | 401 | 403 {
  if (!keys) return ANONYMOUS;
  const text = keyFromHeaders(req.headers);
  const caller = text ? keys.authenticate(text) : null;
  if (!caller) return 401;
  return caller.scopes.includes('submit') || caller.scopes.includes('admin') ? caller : 403;
}

/**
 * Piston's interactive WebSocket (/api/v2/connect) on `server`, at `paths`: an init starts an ordinary
 * interactive run; once its container runs the API attaches to it, says hello to the launcher, and relays
 * stdin and signals in, stdout, stderr, stages and exits out, then closes with Piston's codes.
 */
export function servePistonConnect(server: Server, paths: string[], deps: ConnectDeps): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const connect = new Set(paths.map((p) => `${p}/connect`));
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (!connect.has(path)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    const caller = upgradeCaller(req, deps.keys);
    if (caller === 401) {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="code-runner"\r\nConnection: close\r\n\r\n',
      );
      return;
    }
    if (caller === 403) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    const by: Requester = { caller, ip: req.socket.remoteAddress ?? null };
    wss.handleUpgrade(req, socket, head, (ws) => new Session(ws, deps, by).open());
  });
  return wss;
}

/** One client's session. */
class Session {
  private initialized = false;
  private attached: Attached | null = null;
  /** Frames for the launcher before the attach is up. */
  private pending: Buffer[] = [];
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: ConnectDeps,
    private readonly by: Requester,
  ) {}

  open(): void {
    const timer = setTimeout(() => {
      if (!this.initialized) this.close(CLOSE.initTimeout);
    }, INIT_MS);
    this.ws.on('message', (data: Buffer) => void this.message(data.toString()));
    this.ws.on('close', () => {
      clearTimeout(timer);
      this.closed = true;
      // The program's stdin ends; the run goes on within its limits and stays in the history.
      this.toLauncher(frame('e'));
      this.attached?.close();
    });
  }

  private async message(raw: string): Promise<void> {
    const action = clientAction(raw, this.initialized);
    switch (action.kind) {
      case 'init':
        this.initialized = true;
        return this.run(action.body).catch((err: unknown) => this.fail(err));
      case 'stdin':
        return this.toLauncher(frame('d', Buffer.from(action.data)));
      case 'signal':
        return this.toLauncher(frame('s', Buffer.from(String(action.signal))));
      case 'close':
        return this.close(action.close);
      case 'error':
        return this.fail(new HttpError(400, 'invalid_message', action.message));
      case 'ignore':
        return;
    }
  }

  private async run(body: Record<string, unknown>): Promise<void> {
    // The init message is execute's body with a `type` (zod drops the unknown key).
    const { view, runtime, plan } = await startPistonRun(this.deps, body, true, this.by);
    // run_id is ours (Piston clients ignore it): the run's page, history and API entry.
    this.send({ type: 'runtime', language: runtime.spec.id, version: versionText(runtime), run_id: view.run_id });
    const { cfg, kube } = this.deps;
    const ns = cfg.runner.namespace;
    const pod = await runningPod(kube, ns, view.run_id, plan.waitMs, () => this.closed);
    if (this.closed) return;
    if (!pod) return this.finish(view.run_id, plan.waitMs, null);
    const attached = await attachRun(kube, ns, pod);
    this.attached = attached;
    attached.write(frame('h'));
    for (const f of this.pending.splice(0)) attached.write(f);
    if (this.closed) attached.close();
    const stdout = new LaunchStdout();
    const out = new StringDecoder('utf8');
    const err = new StringDecoder('utf8');
    let last: LaunchEvent | null = null;
    attached.stdout.on('data', (chunk: Buffer) => {
      for (const e of stdout.push(out.write(chunk))) {
        if (e.kind !== 'data' && e.kind !== 'end') last = e;
        this.relay(e);
      }
    });
    attached.stderr.on('data', (chunk: Buffer) => {
      this.send({ type: 'data', stream: 'stderr', data: err.write(chunk) });
    });
    await attached.ended;
    await this.finish(view.run_id, plan.waitMs, last);
  }

  /** After the attach: the run's end decides how the session closes. */
  private async finish(runId: string, waitMs: number, last: LaunchEvent | null): Promise<void> {
    const done = await this.deps.runs.waitFor(runId, waitMs);
    if (this.closed) return;
    const view = done.view;
    if (!done.done || !isTerminal(view.status))
      return this.fail(new HttpError(504, 'run_not_finished', `run ${runId} is still ${view.status}`));
    // The program never ran (no step announced): say why.
    if (last === null) {
      const why = view.reason ? `: ${view.reason}` : '';
      return this.fail(new HttpError(500, 'run_failed', `the run ended ${view.status} before its program ran${why}`));
    }
    // A step the launcher could not report (the deadline's kill): its exit from the run's end.
    if (last.kind === 'stage') {
      const killed = view.status === 'Timeout' || view.status === 'OOMKilled' || view.status === 'Cancelled';
      const code = killed ? null : view.exit_code;
      this.send({ type: 'exit', stage: last.stage, code, signal: killed ? 'SIGKILL' : null });
    }
    this.close(CLOSE.done);
  }

  private relay(e: LaunchEvent): void {
    if (e.kind === 'data') this.send({ type: 'data', stream: 'stdout', data: e.data });
    else if (e.kind === 'stage') this.send({ type: 'stage', stage: e.stage });
    else if (e.kind === 'exit') this.send({ type: 'exit', stage: e.stage, code: e.code, signal: e.signal });
  }

  private toLauncher(f: Buffer): void {
    if (this.attached) this.attached.write(f);
    else this.pending.push(f);
  }

  private send(msg: Record<string, unknown>): void {
    if (!this.closed) this.ws.send(JSON.stringify(msg));
  }

  /** Piston's way with a fatal error: an error message, then 4002 (a close reason is limited to 123 bytes). */
  private fail(err: unknown): void {
    this.send({ type: 'error', message: asHttpError(err).message });
    this.close(CLOSE.notifiedError);
  }

  private close([code, reason]: Close): void {
    if (this.closed) return;
    this.closed = true;
    this.ws.close(code, reason);
  }
}

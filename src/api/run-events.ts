import type { Request, Response } from 'express';
import type { LogFollow } from '../kube/log-follow.js';
import { isTerminal } from '../domain/run.js';
import type { RunView } from '../domain/run-view.js';
import {
  RESULT_EVENT_ID,
  START,
  beyond,
  formatEventId,
  parseEventId,
  sseFrame,
  stageOrdinal,
  statusAhead,
  type EventPosition,
} from '../domain/run-events.js';
import { LaunchStdout, dataOf } from '../domain/launch-stdout.js';
import { HttpError } from './http-error.js';
import type { RunsService } from './runs-service.js';

/**
 * `GET /runs/{id}/events` (docs/events.md): the run's status changes, its output as the pod writes it, then
 * its result, as Server-Sent Events. Status comes from polling the run (describe + the workflow's state query)
 * every `pollMs`; output from one follow request on the pod's log while it runs. Both end with the stream.
 */

export interface RunEventsDeps {
  /** The run's view and final output; `followOutput` follows the pod's log (bounded by the log limit). */
  runs: Pick<RunsService, 'get' | 'logs' | 'followOutput'>;
  pollMs: number;
  heartbeatMs: number;
}

/** A follow that failed is tried again at the next poll, at most this many times. */
const FOLLOW_TRIES = 5;
/** Failed reads of the result in a row after which the stream ends (the client reconnects). */
const MAX_FAILURES = 5;

export class RunEvents {
  /** Streams open now; each holds one poll loop and at most one log follow (the tests read it). */
  open = 0;

  constructor(private readonly deps: RunEventsDeps) {}

  async serve(runId: string, req: Request, res: Response): Promise<void> {
    const resumed = parseEventId(req.get('last-event-id'));
    // An unknown run is a JSON 404 (thrown before any header of the stream is written).
    let view = await this.deps.runs.get(runId);
    if (resumed === 'end') {
      res.status(204).end(); // the client had the result: nothing follows (SSE clients stop reconnecting)
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    this.open++;
    const stream = new Stream(this.deps, runId, res, resumed ?? START);
    const closed = new Promise<void>((resolve) => res.on('close', resolve));
    const heartbeat = setInterval(() => stream.send(': keep-alive\n\n'), this.deps.heartbeatMs);
    let gone = false;
    void closed.then(() => (gone = true));
    let failures = 0;
    try {
      for (;;) {
        try {
          if (isTerminal(view.status)) return await stream.result(view);
          stream.status(view);
          if (view.status === 'Running' && view.pod_name) stream.follow(view.pod_name);
          failures = 0;
        } catch (err) {
          // Temporal slow or unreachable for a moment: try again at the next poll, a few times.
          if ((err instanceof HttpError && err.status === 404) || ++failures >= MAX_FAILURES) throw err;
        }
        await Promise.race([closed, sleep(this.deps.pollMs)]);
        if (gone) return;
        view = await this.deps.runs.get(runId).catch((err: unknown) => {
          if (err instanceof HttpError && err.status === 404) throw err;
          return view; // a failed poll: the next one tells
        });
      }
    } catch (err) {
      // Headers are out: a comment says why, the stream ends, the client reconnects with its last id.
      const code = err instanceof HttpError ? err.code : 'internal_error';
      stream.send(`: ended early (${code})\n\n`);
    } finally {
      clearInterval(heartbeat);
      stream.stop();
      this.open--;
      res.end();
    }
  }
}

/** One client's stream: what it has been sent so far, and the log follow that feeds its output. */
class Stream {
  private sent: EventPosition;
  /** Bytes of output the current follow has produced (a new follow reads from the log's start again). */
  private produced = 0;
  private generation = 0;
  private stdout = new LaunchStdout();
  private follower: LogFollow | null = null;
  private following = false;
  private followEnded = false;
  private tries = 0;

  constructor(
    private readonly deps: RunEventsDeps,
    private readonly runId: string,
    private readonly res: Response,
    from: EventPosition,
  ) {
    this.sent = { ...from };
  }

  /** Writes unless the client has gone. */
  send(frame: string): void {
    if (!this.res.destroyed && !this.res.writableEnded) this.res.write(frame);
  }

  /** The run view, when its status or step moved beyond what the client has. */
  status(view: RunView): void {
    const at = { statuses: view.status_history.length, stage: stageOrdinal(view.stage), bytes: this.sent.bytes };
    if (!statusAhead(at, this.sent)) return;
    this.sent = at;
    this.send(sseFrame('status', formatEventId(at), view));
  }

  /** Starts following the pod's log once (again after a failure, a few times). */
  follow(podName: string): void {
    if (this.following || this.followEnded || this.tries >= FOLLOW_TRIES) return;
    this.following = true;
    this.tries++;
    const mine = ++this.generation;
    // A new follow reads the log from its start: the splitter starts again and `produced` counts afresh.
    this.stdout = new LaunchStdout();
    this.produced = 0;
    this.deps.runs
      .followOutput(podName, {
        data: (text) => this.output(dataOf(this.stdout.push(text))),
        end: (error) => {
          if (mine !== this.generation) return;
          this.following = false;
          this.follower = null;
          if (error) return;
          this.output(dataOf(this.stdout.flush()));
          this.followEnded = true;
        },
      })
      .then(
        (f) => {
          if (this.following && mine === this.generation) this.follower = f;
          else f.stop();
        },
        () => {
          if (mine === this.generation) this.following = false;
        },
      );
  }

  private output(text: string): void {
    if (!text) return;
    const fresh = beyond(text, this.produced, this.sent.bytes);
    this.produced += Buffer.byteLength(text);
    if (!fresh) return;
    const offset = this.sent.bytes;
    this.sent = { ...this.sent, bytes: offset + Buffer.byteLength(fresh) };
    this.send(sseFrame('output', formatEventId(this.sent), { offset, text: fresh }));
  }

  /** The final result (the run's view and its whole output, as GET /runs/{id} and /logs give them); the end. */
  async result(view: RunView): Promise<void> {
    this.stop();
    const logs = await this.deps.runs.logs(this.runId);
    const final = logs.status === view.status ? view : await this.deps.runs.get(this.runId);
    this.send(sseFrame('result', RESULT_EVENT_ID, { ...final, logs: logs.logs }));
  }

  stop(): void {
    this.generation++;
    this.follower?.stop();
    this.follower = null;
    this.following = false;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

import type { Server } from 'node:http';
import { ApiRoutes } from '../../src/api/openapi/routes.js';
import express from 'express';
import request from 'supertest';
import { RunEvents } from '../../src/api/run-events.js';
import { errorHandler } from '../../src/api/errors.js';
import { runsRouter } from '../../src/api/routes/runs.js';
import type { RunView } from '../../src/domain/run-view.js';
import { createStack, eventually, type Stack } from '../support/stack.js';
import { openSse, type SseEvent, type SseStream } from '../support/sse.js';
import { serveLocal } from '../support/serve.js';

/**
 * GET /runs/{id}/events against the real stack (API on an ephemeral port, Temporal, worker, Kubernetes), read
 * by a raw HTTP client: status changes, output while the program still runs, the result last, resuming.
 */
const LINES = 6;
/** Prints a line a second: output must reach the client seconds before the run ends. */
const SLOW_PRINTER = `import time\nfor i in range(${LINES}):\n    print(f"line {i}", flush=True)\n    time.sleep(1)\n`;
const ALL_LINES = Array.from({ length: LINES }, (_, i) => `line ${i}\n`).join('');

type Result = RunView & { logs: string };
const outputText = (events: SseEvent[]) =>
  events
    .filter((e) => e.event === 'output')
    .map((e) => (e.data as { text: string }).text)
    .join('');

describe('run events (SSE) on the real stack', () => {
  let stack: Stack;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    stack = await createStack({ EVENTS_POLL_MS: '300', EVENTS_HEARTBEAT_SECONDS: '1' });
    await stack.startWorker();
    ({ server, base } = await serveLocal(stack.app));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
    await stack.close();
  });

  const submit = async (code: string): Promise<string> => {
    const res = await request(stack.app).post('/runs').send({ language: 'python', code, timeout_seconds: 60 });
    expect(res.status).toBe(201);
    return (res.body as RunView).run_id;
  };
  const events = (runId: string, headers?: Record<string, string>) => openSse(`${base}/runs/${runId}/events`, headers);

  let finishedRun = '';

  it('sends status changes in order, output while the program runs, and the result last', async () => {
    const runId = await submit(SLOW_PRINTER);
    const s = await events(runId);
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toMatch(/^text\/event-stream/);
    await s.ended;
    const kinds = s.events.map((e) => e.event);
    expect({ last: kinds.at(-1), notes: s.notes }).toEqual({ last: 'result', notes: [] });
    expect(kinds.filter((k) => k === 'result')).toHaveLength(1);
    const statuses = s.events.filter((e) => e.event === 'status').map((e) => (e.data as RunView).status);
    // Each status change once, in the run's order (the final status comes with the result).
    expect(statuses.filter((st, i) => st !== statuses[i - 1])).toEqual(
      (['Queued', 'Pending', 'Running'] as const).filter((st) => statuses.includes(st)),
    );
    expect(statuses).toContain('Running');
    // The output came in several pieces, the first seconds before the end, while the run was Running.
    const outputs = s.events.filter((e) => e.event === 'output');
    expect(outputs.length).toBeGreaterThanOrEqual(2);
    const result = s.events.at(-1)!;
    expect(result.at - outputs[0]!.at).toBeGreaterThan(2500);
    const firstOutput = s.events.indexOf(outputs[0]!);
    const lastStatusBefore = s.events
      .slice(0, firstOutput)
      .filter((e) => e.event === 'status')
      .at(-1);
    expect((lastStatusBefore?.data as RunView).status).toBe('Running');
    expect(outputText(s.events)).toBe(ALL_LINES);
    // Ids: positions that only move forward; output offsets are contiguous.
    let offset = 0;
    for (const o of outputs) {
      const d = o.data as { offset: number; text: string };
      expect(d.offset).toBe(offset);
      offset += Buffer.byteLength(d.text);
      expect(o.id?.endsWith(`.${offset}`)).toBe(true);
    }
    expect(result.id).toBe('end');
    // The result is what GET /runs/{id} and /logs say.
    const data = result.data as Result;
    const get = await request(stack.app).get(`/runs/${runId}`);
    expect(data).toMatchObject({ run_id: runId, status: 'Succeeded', logs: ALL_LINES, exit_code: 0 });
    expect({ ...data, logs: undefined }).toEqual({ ...(get.body as RunView), logs: undefined });
    expect(s.comments).toBeGreaterThanOrEqual(2); // a heartbeat a second (EVENTS_HEARTBEAT_SECONDS=1)
    finishedRun = runId;
  });

  it('a finished run sends its result at once, and a client that had the result gets 204', async () => {
    const t0 = Date.now();
    const s = await events(finishedRun);
    await s.ended;
    expect(s.events.map((e) => e.event)).toEqual(['result']);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((s.events[0]!.data as Result).logs).toBe(ALL_LINES);
    const again = await events(finishedRun, { 'Last-Event-ID': 'end' });
    await again.ended;
    expect(again.status).toBe(204);
  });

  it('resuming with Last-Event-ID from the middle yields exactly the rest', async () => {
    const runId = await submit(SLOW_PRINTER);
    const first = await events(runId);
    await first.until((e) => e.event === 'output' && outputText(first.events).includes('line 1\n'), 60_000);
    first.close();
    const lastId = first.events.at(-1)!.id!;
    const seen = outputText(first.events);
    expect(seen.length).toBeLessThan(ALL_LINES.length);
    const rest = await events(runId, { 'Last-Event-ID': lastId });
    await rest.ended;
    // No output twice, none missing: the two streams' output is the program's output, once.
    expect(seen + outputText(rest.events)).toBe(ALL_LINES);
    const firstOffset = (rest.events.find((e) => e.event === 'output')?.data as { offset: number }).offset;
    expect(firstOffset).toBe(Buffer.byteLength(seen));
    // No status the first stream had already sent comes again.
    const had = first.events.filter((e) => e.event === 'status').map((e) => (e.data as RunView).status);
    const again = rest.events.filter((e) => e.event === 'status').map((e) => (e.data as RunView).status);
    expect(again.filter((st) => st !== 'Running' && had.includes(st))).toEqual([]);
    expect(rest.events.at(-1)).toMatchObject({ event: 'result', data: { status: 'Succeeded', logs: ALL_LINES } });
  });

  it('a run with tests sends a status event as the launcher moves from test to test', async () => {
    const res = await request(stack.app)
      .post('/runs')
      .send({
        language: 'python',
        code: 'import time\ntime.sleep(3)\nprint(input())\n',
        tests: ['a', 'b', 'c'].map((x) => ({ stdin: `${x}\n`, expected_output: `${x}\n` })),
        timeout_seconds: 60,
      });
    expect(res.status).toBe(201);
    const s = await events((res.body as RunView).run_id);
    await s.ended;
    const statuses = s.events.filter((e) => e.event === 'status');
    const stages = statuses.map((e) => (e.data as RunView).stage).filter((st) => st);
    expect(stages.some((st) => /^test [123]\/3$/.test(st ?? ''))).toBe(true);
    // Every status event is a step forward: (status count, stage) strictly increases.
    const positions = statuses.map((e) => e.id!.split('.').slice(0, 2).map(Number) as [number, number]);
    for (let i = 1; i < positions.length; i++) {
      const [a, b] = [positions[i - 1]!, positions[i]!];
      expect(b[0] > a[0] || (b[0] === a[0] && b[1] > a[1])).toBe(true);
    }
    const result = s.events.at(-1)!;
    expect(result.event).toBe('result');
    expect((result.data as RunView).tests?.map((t) => t.verdict)).toEqual(['Accepted', 'Accepted', 'Accepted']);
  });

  it('an unknown run is a JSON 404 before any stream starts', async () => {
    const s = await events('no-such-run-0000');
    await s.ended;
    expect(s.status).toBe(404);
    expect(s.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(s.body)).toMatchObject({ error: { code: 'run_not_found' } });
    const bad = await events('bad_id!');
    await bad.ended;
    expect(bad.status).toBe(400);
  });

  it('needs the read scope: a key without it is 403 before any stream', async () => {
    const app = express()
      .use((_req, res, next) => {
        res.locals.caller = { tenant: 'acme', keyId: 'k1', scopes: ['submit'] };
        next();
      })
      .use(runsRouter(new ApiRoutes(), stack.runs, stack.cfg))
      .use(errorHandler);
    const res = await request(app).get('/runs/any-run-id/events');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'forbidden_scope', details: { scope: 'read' } } });
  });

  it('a client that goes away ends its stream: no poll loop and no log follow is left', async () => {
    let follows = 0;
    const runs = {
      get: (id: string) => stack.runs.get(id),
      logs: (id: string) => stack.runs.logs(id),
      followOutput: async (pod: string, on: Parameters<Stack['runs']['followOutput']>[1]) => {
        let open = true;
        const done = () => {
          if (open) follows--;
          open = false;
        };
        follows++;
        const f = await stack.runs.followOutput(pod, {
          data: on.data,
          end: (err) => {
            done();
            on.end(err);
          },
        });
        return {
          stop: () => {
            done();
            f.stop();
          },
        };
      },
    };
    const hub = new RunEvents({ runs, pollMs: 300, heartbeatMs: 1000 });
    const app = express().get('/runs/:id/events', (req, res, next) => {
      hub.serve(req.params.id, req, res).catch(next);
    });
    const { server: own, base: ownBase } = await serveLocal(app);
    try {
      const runId = await submit(SLOW_PRINTER);
      const s: SseStream = await openSse(`${ownBase}/runs/${runId}/events`);
      await s.until((e) => e.event === 'output', 60_000);
      expect(hub.open).toBe(1);
      expect(follows).toBe(1);
      s.close();
      await eventually(async () => hub.open === 0 && follows === 0, 5000, 'the stream and its follow to end');
    } finally {
      own.closeAllConnections();
      await new Promise((ok) => own.close(ok));
    }
  });
});

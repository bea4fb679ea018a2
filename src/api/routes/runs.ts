import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { checkWebhookUrl } from '../callback-url.js';
import { HttpError } from '../http-error.js';
import { RunEvents } from '../run-events.js';
import type { RunsService } from '../runs-service.js';
import { createRunBody, listRunsQuery, runIdParams, waitQuery, type CreateRunBody } from '../schemas.js';
import { runInputView, runLogs, runPage, runView, syncRunView } from '../response-schemas.js';
import type { ApiRoutes } from '../openapi/routes.js';
import { requesterOf } from '../audit.js';

/** POST /runs answers the run, or with ?wait the run with its output. */
const submitAnswer = z.union([syncRunView, runView]);

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** /runs (Mini Code Runner's contract) plus sync submit, filters, cursors and idempotency. */
export function runsRouter(routes: ApiRoutes, runs: RunsService, cfg: Config): Router {
  const r = Router();
  const body = createRunBody(cfg.limits);

  const idempotencyKey = (header: string | undefined): string | undefined => {
    if (header === undefined) return undefined;
    if (!IDEMPOTENCY_KEY.test(header))
      throw new HttpError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1-255 printable ASCII characters', [
        { field: 'header.idempotency-key', message: 'must be 1-255 printable ASCII characters' },
      ]);
    return header;
  };

  /** wait=true waits up to the configured maximum; wait=N waits N seconds (bounded). */
  const waitMs = (wait: string | undefined, timeoutSeconds: number): number | null => {
    if (wait === undefined || wait === 'false' || wait === '0') return null;
    const max = cfg.limits.syncWaitMaxSeconds;
    const asked = wait === 'true' || wait === '1' ? timeoutSeconds + cfg.runner.startTimeoutSeconds : Number(wait);
    return Math.min(asked, max) * 1000;
  };

  const submit = async (req: Request, res: Response, b: CreateRunBody, wait: number | null) => {
    const key = idempotencyKey(req.get('idempotency-key'));
    if (b.callback_url) await checkWebhookUrl(cfg, b.callback_url);
    // A timeout the client did not send is the default, lowered to its tenant's maximum rather than refused.
    const sent = (req.body as { timeout_seconds?: unknown } | undefined)?.timeout_seconds !== undefined;
    const { view, created } = await runs.start(b, key, {
      ...(b.callback_url ? { callbackUrl: b.callback_url } : {}),
      by: requesterOf(req, res),
      defaulted: sent ? [] : ['timeout_seconds'],
    });
    res.setHeader('Location', `/runs/${view.run_id}`);
    if (wait === null) return res.status(created ? 201 : 200).json(view);
    const done = await runs.waitFor(view.run_id, wait);
    const logs = done.done ? await runs.logs(view.run_id) : null;
    res
      .status(done.done ? (created ? 201 : 200) : 202)
      .json({ ...done.view, logs: logs?.logs ?? null, done: done.done });
  };

  const submitHeaders = [
    {
      name: 'Idempotency-Key',
      description: 'the same key always names the same run: a retry returns it (200) instead of a second run',
      schema: z.string().regex(IDEMPOTENCY_KEY),
    },
  ];
  const submitted = {
    201: { description: 'accepted: the run (with ?wait, also its output and done)', body: submitAnswer },
    200: {
      description: 'an Idempotency-Key already named this run: the same run, not a second one',
      body: submitAnswer,
    },
    202: { description: 'with ?wait: the wait ran out before the run finished (done: false)', body: syncRunView },
    422: { description: 'idempotency_key_reused: the key was used for a different request' },
    503: { description: 'language_unavailable, or temporal_unavailable: nothing was accepted' },
  };

  routes.add(
    r,
    {
      method: 'post',
      path: '/runs',
      operationId: 'createRun',
      summary: 'Submit a run',
      description: 'Starts a run and answers at once (Queued), or with `?wait` waits (bounded) for its result.',
      tag: 'runs',
      scope: 'submit',
      body,
      query: waitQuery,
      headers: submitHeaders,
      responses: submitted,
    },
    async ({ body: b, query: q }, req, res) => {
      await submit(req, res, b, waitMs(q.wait, b.timeout_seconds));
    },
  );

  // Synchronous submit, as the FastAPI predecessor's /api/run/sync: waits (bounded) for the result.
  for (const [path, operationId] of [
    ['/runs/sync', 'runSync'],
    ['/api/run/sync', 'runSyncLegacy'],
  ] as const)
    routes.add(
      r,
      {
        method: 'post',
        path,
        operationId,
        summary:
          path === '/runs/sync' ? 'Submit a run and wait for its result' : 'Submit and wait (the predecessor’s path)',
        description: 'Waits up to the run’s timeout plus the start allowance (at most SYNC_WAIT_MAX_SECONDS).',
        tag: 'runs',
        scope: 'submit',
        body,
        headers: submitHeaders,
        responses: {
          201: { description: 'the run finished (done: true), with its output', body: syncRunView },
          200: { description: 'an Idempotency-Key already named this run', body: syncRunView },
          202: { description: 'the wait ran out before the run finished (done: false)', body: syncRunView },
          422: submitted[422],
          503: submitted[503],
        },
      },
      async ({ body: b }, req, res) => {
        await submit(req, res, b, waitMs('true', b.timeout_seconds));
      },
    );

  routes.add(
    r,
    {
      method: 'get',
      path: '/runs',
      operationId: 'listRuns',
      summary: 'List runs, newest first',
      description: 'Filters by status and language; pages with an opaque cursor.',
      tag: 'runs',
      scope: 'read',
      query: listRunsQuery,
      responses: { 200: { description: 'a page of runs', body: runPage } },
    },
    async ({ query }, _req, res) => {
      res.json(await runs.list(query));
    },
  );

  const one = { params: runIdParams, tag: 'runs' } as const;
  const notFound = { description: 'run_not_found' };
  routes.add(
    r,
    {
      ...one,
      method: 'get',
      path: '/runs/:run_id',
      operationId: 'getRun',
      summary: 'A run: status, reason, exit code, pod, timestamps, verdict',
      scope: 'read',
      responses: { 200: { description: 'the run', body: runView }, 404: notFound },
    },
    async ({ params }, _req, res) => {
      res.json(await runs.get(params.run_id));
    },
  );
  routes.add(
    r,
    {
      ...one,
      method: 'get',
      path: '/runs/:run_id/logs',
      operationId: 'getRunLogs',
      summary: "A run's output",
      description: 'Live from the pod while it runs, from the run’s history once finished.',
      scope: 'read',
      responses: { 200: { description: 'the output', body: runLogs }, 404: notFound },
    },
    async ({ params }, _req, res) => {
      res.json(await runs.logs(params.run_id));
    },
  );
  // Server-Sent Events: status changes, live output, then the result (src/api/run-events.ts, docs/events.md).
  const events = new RunEvents({ runs, pollMs: cfg.events.pollMs, heartbeatMs: cfg.events.heartbeatMs });
  routes.add(
    r,
    {
      ...one,
      method: 'get',
      path: '/runs/:run_id/events',
      operationId: 'streamRunEvents',
      summary: "A run's status changes, live output and result, as Server-Sent Events",
      description:
        'Events `status` (the run), `output` ({stream, data}), then `result` (the run with its logs), each with an id; ' +
        'reconnect with Last-Event-ID to resume without gaps or repeats (docs/events.md). Heartbeat comments keep it open.',
      scope: 'read',
      headers: [{ name: 'Last-Event-ID', description: 'resume after this event', schema: z.string().optional() }],
      responses: {
        200: { description: 'the event stream', body: z.string(), mediaType: 'text/event-stream' },
        204: { description: 'Last-Event-ID was the end: nothing more to send' },
        404: notFound,
      },
    },
    async ({ params }, req, res) => {
      await events.serve(params.run_id, req, res);
    },
  );
  routes.add(
    r,
    {
      ...one,
      method: 'get',
      path: '/runs/:run_id/input',
      operationId: 'getRunInput',
      summary: 'What was submitted',
      scope: 'read',
      responses: { 200: { description: 'the submission', body: runInputView }, 404: notFound },
    },
    async ({ params }, _req, res) => {
      res.json(await runs.input(params.run_id));
    },
  );
  routes.add(
    r,
    {
      ...one,
      method: 'delete',
      path: '/runs/:run_id',
      operationId: 'cancelRun',
      summary: 'Cancel a run',
      description: 'Signals the run to stop; its pod is deleted at once and it ends Cancelled.',
      scope: 'cancel',
      responses: {
        202: { description: 'cancel requested (cancel_requested: true)', body: runView },
        404: notFound,
        409: { description: 'run_finished: the run already finished' },
      },
    },
    async ({ params }, req, res) => {
      res.status(202).json(await runs.cancel(params.run_id, undefined, requesterOf(req, res)));
    },
  );

  return r;
}

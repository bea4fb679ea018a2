import { Router, type Response } from 'express';
import type { Config } from '../../config/config.js';
import { checkWebhookUrl } from '../callback-url.js';
import { HttpError } from '../http-error.js';
import { RunEvents } from '../run-events.js';
import { requireScope } from '../scopes.js';
import type { RunsService } from '../runs-service.js';
import { createRunBody, listRunsQuery, runIdParams, waitQuery, type CreateRunBody } from '../schemas.js';
import { requireJson, validated } from '../validate.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** /runs (Mini Code Runner's contract) plus sync submit, filters, cursors and idempotency. */
export function runsRouter(runs: RunsService, cfg: Config): Router {
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

  const submit = async (res: Response, key: string | undefined, b: CreateRunBody, wait: number | null) => {
    if (b.callback_url) await checkWebhookUrl(cfg, b.callback_url);
    const { view, created } = await runs.start(b, key, b.callback_url ? { callbackUrl: b.callback_url } : {});
    res.setHeader('Location', `/runs/${view.run_id}`);
    if (wait === null) return res.status(created ? 201 : 200).json(view);
    const done = await runs.waitFor(view.run_id, wait);
    const logs = done.done ? await runs.logs(view.run_id) : null;
    res
      .status(done.done ? (created ? 201 : 200) : 202)
      .json({ ...done.view, logs: logs?.logs ?? null, done: done.done });
  };

  r.post(
    '/runs',
    requireJson,
    validated({ body, query: waitQuery }, async ({ body: b, query: q }, req, res) => {
      await submit(res, idempotencyKey(req.get('idempotency-key')), b, waitMs(q.wait, b.timeout_seconds));
    }),
  );

  // Synchronous submit, as the FastAPI predecessor's /api/run/sync: waits (bounded) for the result.
  const sync = validated({ body }, async ({ body: b }, req, res) => {
    await submit(res, idempotencyKey(req.get('idempotency-key')), b, waitMs('true', b.timeout_seconds));
  });
  r.post('/runs/sync', requireJson, sync);
  r.post('/api/run/sync', requireJson, sync);

  r.get(
    '/runs',
    validated({ query: listRunsQuery }, async ({ query }, _req, res) => {
      res.json(await runs.list(query));
    }),
  );

  const one = { params: runIdParams };
  r.get(
    '/runs/:run_id',
    validated(one, async ({ params }, _req, res) => {
      res.json(await runs.get(params.run_id));
    }),
  );
  r.get(
    '/runs/:run_id/logs',
    validated(one, async ({ params }, _req, res) => {
      res.json(await runs.logs(params.run_id));
    }),
  );
  // Server-Sent Events: status changes, live output, then the result (src/api/run-events.ts, docs/events.md).
  const events = new RunEvents({ runs, pollMs: cfg.events.pollMs, heartbeatMs: cfg.events.heartbeatMs });
  r.get(
    '/runs/:run_id/events',
    requireScope('read'),
    validated(one, async ({ params }, req, res) => {
      await events.serve(params.run_id, req, res);
    }),
  );
  r.get(
    '/runs/:run_id/input',
    validated(one, async ({ params }, _req, res) => {
      res.json(await runs.input(params.run_id));
    }),
  );
  r.delete(
    '/runs/:run_id',
    validated(one, async ({ params }, _req, res) => {
      res.status(202).json(await runs.cancel(params.run_id));
    }),
  );

  return r;
}

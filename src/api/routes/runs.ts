import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config/config.js';
import { HttpError } from '../http-error.js';
import type { RunsService, RunView } from '../runs-service.js';
import {
  createRunBody,
  listRunsQuery,
  runIdParams,
  waitQuery,
  type CreateRunBody,
  type ListRunsQuery,
} from '../schemas.js';
import { requireJson, validate } from '../validate.js';

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
    const { view, created } = await runs.start(b, key);
    res.setHeader('Location', `/runs/${view.run_id}`);
    if (wait === null) return res.status(created ? 201 : 200).json(view);
    const done = await runs.waitFor(view.run_id, wait);
    const logs = done.done ? await runs.logs(view.run_id) : null;
    res
      .status(done.done ? (created ? 201 : 200) : 202)
      .json({ ...done.view, logs: logs?.logs ?? null, done: done.done });
  };

  r.post('/runs', requireJson, validate({ body, query: waitQuery }), async (req, res) => {
    const b = res.locals.body as CreateRunBody;
    const q = res.locals.query as { wait?: string };
    await submit(res, idempotencyKey(req.get('idempotency-key')), b, waitMs(q.wait, b.timeout_seconds));
  });

  // Synchronous submit, as the FastAPI predecessor's /api/run/sync: waits (bounded) for the result.
  const sync = async (req: Request, res: Response) => {
    const b = res.locals.body as CreateRunBody;
    await submit(res, idempotencyKey(req.get('idempotency-key')), b, waitMs('true', b.timeout_seconds));
  };
  r.post('/runs/sync', requireJson, validate({ body }), sync);
  r.post('/api/run/sync', requireJson, validate({ body }), sync);

  r.get('/runs', validate({ query: listRunsQuery }), async (_req, res) => {
    res.json(await runs.list(res.locals.query as ListRunsQuery));
  });

  r.get('/runs/:run_id', validate({ params: runIdParams }), async (_req, res) => {
    res.json(await runs.get((res.locals.params as { run_id: string }).run_id));
  });

  r.get('/runs/:run_id/logs', validate({ params: runIdParams }), async (_req, res) => {
    res.json(await runs.logs((res.locals.params as { run_id: string }).run_id));
  });

  r.delete('/runs/:run_id', validate({ params: runIdParams }), async (_req, res) => {
    const view: RunView = await runs.cancel((res.locals.params as { run_id: string }).run_id);
    res.status(202).json(view);
  });

  return r;
}

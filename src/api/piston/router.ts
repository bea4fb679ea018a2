import express, { Router, type ErrorRequestHandler } from 'express';
import { jsonBodyLimit } from '../body-limit.js';
import { asHttpError } from '../errors.js';
import { HttpError } from '../http-error.js';
import { logServerError } from '../observe.js';
import { pistonResult } from './response.js';
import { pistonRuntimes, runtimesOf, versionText } from './runtimes.js';
import { startPistonRun, type PistonDeps } from './start.js';
import { requireScope } from '../scopes.js';
import { requesterOf } from '../audit.js';

/** The response header that names our run, so a Piston client can find it in our API and UI. */
export const RUN_ID_HEADER = 'X-Code-Runner-Run-Id';

/**
 * Piston v2's HTTP API (engineer-man/piston, docs/api-v2.md) over our run workflow: each execute is an
 * ordinary run (client "piston"), waited for as Piston answers synchronously. Every answer, errors
 * included, is JSON with Piston's `message`, whatever content type the request was sent with.
 */
export function pistonRouter({ cfg, runs, languages }: PistonDeps): Router {
  const r = Router();
  // Piston clients send JSON as text/plain or with no content type at all: read it whatever it says.
  r.use(express.json({ limit: jsonBodyLimit(cfg.limits), type: () => true }));

  const runtimes = async () => runtimesOf(await languages.list(), cfg.languages);

  r.post('/execute', requireScope('submit'), async (req, res) => {
    const {
      view,
      runtime: rt,
      plan,
    } = await startPistonRun({ cfg, runs, languages }, req.body, false, requesterOf(req, res));
    res.setHeader(RUN_ID_HEADER, view.run_id);
    const done = await runs.waitFor(view.run_id, plan.waitMs);
    if (!done.done) {
      res.status(504).json({
        message: `the run did not finish within ${Math.round(plan.waitMs / 1000)} s; it goes on: GET /runs/${view.run_id}`,
        run_id: view.run_id,
      });
      return;
    }
    const compiled = !done.view.compile || done.view.compile.status === 'Success';
    const output = compiled ? (await runs.logs(view.run_id)).logs : '';
    const result = pistonResult(done.view, output, { language: rt.spec.id, version: versionText(rt) });
    if (!result) {
      const why = done.view.reason ? `: ${done.view.reason}` : '';
      res
        .status(500)
        .json({ message: `the run ended ${done.view.status} without a result${why}`, run_id: view.run_id });
      return;
    }
    res.json(result);
  });

  r.get('/runtimes', requireScope('read'), async (_req, res) => {
    res.json(pistonRuntimes(await runtimes()));
  });

  // Piston's package manager does not apply: the operator builds the language images.
  r.get('/packages', requireScope('read'), async (_req, res) => {
    const list = pistonRuntimes(await runtimes());
    res.json(list.map((rt) => ({ language: rt.language, language_version: rt.version, installed: true })));
  });
  const packagesManaged = () => {
    throw new HttpError(
      501,
      'not_supported',
      'packages cannot be installed or removed here: the language images are built and loaded by the operator',
    );
  };
  r.post(['/packages', '/packages/:language/:version'], packagesManaged);
  r.delete(['/packages', '/packages/:language/:version'], packagesManaged);
  r.all('/connect', () => {
    throw new HttpError(400, 'websocket_required', '/api/v2/connect is a WebSocket: connect with an Upgrade request');
  });

  r.use((req) => {
    throw new HttpError(404, 'route_not_found', `no route for ${req.method} ${req.originalUrl.split('?')[0]}`);
  });
  r.use(pistonErrors);
  return r;
}

/**
 * Piston's error shape: `{message}` with the status; internals are logged, never sent. Piston clients read
 * only the message, so a size problem's first detail (which limit) goes into it.
 */
const pistonErrors: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const e = asHttpError(err);
  logServerError(req, res, e, err);
  const first: unknown = e.code === 'payload_too_large' && Array.isArray(e.details) ? e.details[0] : undefined;
  const detail = first && typeof first === 'object' && 'message' in first ? String(first.message) : null;
  res.status(e.status).json({ message: detail ? `${e.message}: ${detail}` : e.message });
};

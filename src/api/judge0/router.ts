import os from 'node:os';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { jsonBodyLimit } from '../body-limit.js';
import type { LanguagesService } from '../languages-service.js';
import type { RunsService } from '../runs-service.js';
import type { SystemService } from '../system-service.js';
import { authn, authz } from './auth.js';
import { requireScope } from '../scopes.js';
import { requesterOf } from '../audit.js';
import { Judge0Error, judge0ErrorHandler } from './errors.js';
import { JUDGE0_VERSION, MAX_BATCH, about, configInfo, systemInfo } from './info.js';
import { languageDetail } from './languages.js';
import { Judge0Service } from './service.js';
import { STATUSES } from './statuses.js';
import { present } from './submission.js';

export interface Judge0Deps {
  cfg: Config;
  runs: RunsService;
  system: SystemService;
  languages: LanguagesService;
}

/** A query value as Rails reads one: the last of repeated values. */
const param = z
  .union([z.string(), z.array(z.string()).transform((a) => a.at(-1))])
  .optional()
  .catch(undefined);
const query = z.object({
  base64_encoded: param,
  wait: param,
  fields: param,
  page: param,
  per_page: param,
  tokens: param,
});
type Query = z.output<typeof query>;

/** Ruby's String#to_i: leading digits, else 0. */
const toI = (s: string | undefined, def: number) => (s === undefined ? def : parseInt(s, 10) || 0);

/** Judge0's bounds on a batch's size (400 outside them). */
function batchSize(n: number): void {
  if (n > MAX_BATCH)
    throw new Judge0Error(400, {
      error: `number of submissions in a batch should be less than or equal to ${MAX_BATCH}`,
    });
  if (n === 0) throw new Judge0Error(400, { error: 'there should be at least one submission in a batch' });
}

/**
 * The Judge0 CE 1.13.1 API. `languages: false` leaves out /languages*, which our own API owns at the
 * root (the router is mounted both under JUDGE0_PREFIX and at the root).
 */
export function judge0Router(deps: Judge0Deps, opts: { languages: boolean }): Router {
  const { cfg } = deps;
  const j = new Judge0Service(cfg, deps.runs, deps.languages);
  const r = Router();
  // Rails reads form bodies too: curl -d, HTML forms and some clients send application/x-www-form-urlencoded
  // (numbers then come as strings, which the schemas take as Rails does).
  r.use(express.urlencoded({ extended: true, limit: jsonBodyLimit(cfg.limits), parameterLimit: 1000 }));
  // Each route also needs its API key's scope: reading for GET, submitting for POST, cancel for DELETE.
  const byMethod: RequestHandler = (req, res, next) =>
    requireScope(req.method === 'POST' ? 'submit' : req.method === 'DELETE' ? 'cancel' : 'read')(req, res, next);
  const open = chain(authn(cfg), byMethod);
  const restricted = [authn(cfg), authz(cfg), byMethod];
  const h =
    (fn: (q: Query, req: Request, res: Response) => Promise<unknown> | unknown): RequestHandler =>
    async (req, res, next) => {
      try {
        await fn(query.parse(req.query), req, res);
      } catch (err) {
        next(err);
      }
    };
  const base64 = (q: Query) => q.base64_encoded === 'true';

  r.post(
    '/submissions/batch',
    open,
    h(async (q, req, res) => {
      const items: unknown = (req.body as { submissions?: unknown } | undefined)?.submissions;
      const list = Array.isArray(items) ? items : [];
      batchSize(list.length);
      await j.checkQueue(list.length);
      const { created, results } = await j.createBatch(list, base64(q), requesterOf(req, res));
      res.status(created ? 201 : 422).json(results);
    }),
  );
  r.get(
    '/submissions/batch',
    open,
    h(async (q, req, res) => {
      const fields = j.fields(q.fields);
      const tokens = (req.get('tokens') ?? q.tokens ?? '').trim().split(',').filter(Boolean);
      batchSize(tokens.length);
      res.json({ submissions: await j.batch(tokens, fields, base64(q)) });
    }),
  );
  r.post(
    '/submissions',
    open,
    h(async (q, req, res) => {
      const wait = q.wait === 'true';
      if (wait && !cfg.judge0.enableWait) throw new Judge0Error(400, { error: 'wait not allowed' });
      await j.checkQueue(1);
      const fields = j.fields(q.fields);
      const { token } = await j.create(req.body, base64(q), requesterOf(req, res));
      res.setHeader('Location', `/runs/${token}`);
      if (!wait) return res.status(201).json({ token });
      // Bounded like our own sync wait: an unfinished submission comes back In Queue or Processing.
      await deps.runs.waitFor(token, cfg.limits.syncWaitMaxSeconds * 1000);
      res.status(201).json(present(await j.submission(token), fields, base64(q)));
    }),
  );
  r.get(
    '/submissions',
    restricted,
    h(async (q, _req, res) => {
      const fields = j.fields(q.fields);
      const page = toI(q.page, 1);
      const perPage = toI(q.per_page, 20);
      if (page <= 0) throw new Judge0Error(400, { error: `invalid page: ${page}` });
      if (perPage <= 0 || perPage > 100)
        throw new Judge0Error(400, { error: `invalid per_page: ${perPage} (1 to 100)` });
      res.json(await j.page(page, perPage, fields, base64(q)));
    }),
  );
  r.get(
    '/submissions/:token',
    open,
    h(async (q, req, res) => {
      const fields = j.fields(q.fields);
      res.json(present(await j.submission(String(req.params.token)), fields, base64(q)));
    }),
  );
  // Our runs are history and stay readable: a finished submission answers as deleted Judge0 ones do
  // (200, Base64-forced), and the run is kept until Temporal's retention removes it.
  r.delete(
    '/submissions/:token',
    restricted,
    h(async (q, req, res) => {
      const fields = j.fields(q.fields);
      const s = await j.submission(String(req.params.token));
      const st = s.status as { id: number; description: string };
      if (st.id === 1 || st.id === 2)
        throw new Judge0Error(400, {
          error: `submission cannot be deleted because its status is ${st.id} (${st.description})`,
        });
      res.setHeader('X-Code-Runner-Retained', 'true');
      res.json(present(s, fields, true));
    }),
  );

  if (opts.languages) {
    r.get(
      '/languages',
      open,
      h(async (_q, _req, res) => {
        const list = await j.languageList();
        res.json(list.map((l) => ({ id: l.language.id, name: l.name })).sort(byName));
      }),
    );
    r.get(
      '/languages/all',
      open,
      h(async (_q, _req, res) => {
        const list = await j.languageList();
        res.json(list.map((l) => ({ id: l.language.id, name: l.name, is_archived: false })).sort(byName));
      }),
    );
    r.get(
      '/languages/:id',
      open,
      h(async (_q, req, res) => {
        const l = (await j.languageList()).find((x) => String(x.language.id) === req.params.id);
        const spec = l && cfg.languages.find((s) => s.id === l.language.language);
        if (!l || !spec) throw new Judge0Error(404, { status: 404, error: 'Not Found' });
        res.json(languageDetail(l.language, l.view, spec));
      }),
    );
  }

  r.get('/statuses', open, (_req, res) => void res.json(STATUSES));
  r.get('/about', open, (_req, res) => void res.json(about()));
  r.get('/version', open, (_req, res) => void res.type('text/plain').send(JUDGE0_VERSION));
  r.get('/config_info', open, (_req, res) => void res.json(configInfo(cfg)));
  r.get('/system_info', open, (_req, res) => {
    res.json(systemInfo({ arch: os.arch(), cpus: os.cpus(), totalmem: os.totalmem(), freemem: os.freemem() }));
  });
  r.get(
    '/statistics',
    open,
    h(async (_q, _req, res) => {
      const [total, queued] = await Promise.all([deps.runs.count(), deps.runs.count('Queued')]);
      const now = new Date().toISOString();
      res.json({ created_at: now, cached_until: now, submissions: { total, in_queue: queued } });
    }),
  );
  r.get(
    '/workers',
    open,
    h(async (_q, _req, res) => {
      const [q, stats] = await Promise.all([deps.system.queueSummary(), deps.system.queueStats('workflow')]);
      res.json([
        {
          queue: cfg.temporal.taskQueue,
          size: q.queue_depth,
          available: stats.pollers,
          idle: null,
          working: q.active_runs,
          paused: 0,
          failed: 0,
        },
      ]);
    }),
  );
  r.use(judge0ErrorHandler);
  return r;
}

/** Handlers run in turn as one. */
const chain =
  (first: RequestHandler, second: RequestHandler): RequestHandler =>
  (req, res, next) =>
    first(req, res, (err?: unknown) => (err ? next(err) : second(req, res, next)));

const byName = (a: { name: string; id: number }, b: { name: string; id: number }) =>
  a.name.localeCompare(b.name) || a.id - b.id;

import express, { Router, type Express } from 'express';
import type { Config } from '../config/config.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { runsRouter } from './routes/runs.js';
import { systemRouter } from './routes/system.js';
import type { RunsService } from './runs-service.js';
import type { SystemService } from './system-service.js';
import { LanguagesService } from './languages-service.js';
import { judge0Router } from './judge0/router.js';
import { jsonBodyLimit } from './body-limit.js';
import { pistonRouter } from './piston/router.js';
import { authenticate, openPaths, uiPaths } from './keys/authenticate.js';
import { rateLimit } from './keys/rate-limit.js';
import type { KeyRegistry } from './keys/registry.js';
import { auditRefusals } from './keys/audit-refusals.js';
import { compatAuthErrors } from './keys/compat-errors.js';
import { stdoutAudit, type AuditSink } from './audit.js';
import { callerScope } from './request-caller.js';
import { ApiRoutes, compatibleApi, metricsEndpoint } from './openapi/routes.js';
import { openApiRouter } from './openapi/router.js';
import { observe } from './observe.js';
import { createLogger, type Logger } from '../obs/logger.js';
import type { ApiMetrics } from '../obs/api-metrics.js';

export interface AppDeps {
  cfg: Config;
  runs: RunsService;
  system: SystemService;
  /** The registry with versions and availability (default: without the image catalog). */
  languages?: LanguagesService;
  /** Optional static UI directory (built by `npm run build`). */
  uiDir?: string;
  /** The keys (required when API_KEYS is on). */
  keys?: KeyRegistry;
  /** Where audit lines of refused submissions and cancels go (default: stdout; the run service writes the rest). */
  audit?: AuditSink;
  /** The process's logger (default: a new one at LOG_LEVEL). */
  log?: Logger;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const languages = deps.languages ?? new LanguagesService(deps.cfg, null);
  // Every request is logged, counted and (with traces on) a span; /metrics is the runs service's registry.
  const metrics = deps.runs.metrics;
  const log = deps.log ?? createLogger(deps.cfg.logLevel, 'api');
  app.use(observe({ log, metrics, tracing: deps.cfg.obs.otlpEndpoint !== undefined }));
  app.use(metricsEndpoint(Router().get('/metrics', metricsRoute(metrics))));
  // API keys before everything else (the open paths excepted), then each tenant's request rate.
  app.use(auditRefusals(deps.audit ?? stdoutAudit, deps.cfg));
  if (deps.cfg.keys.enabled) {
    if (!deps.keys) throw new Error('API_KEYS is on but the app was given no keys');
    app.use(authenticate(deps.keys, openPaths(uiPaths(deps.uiDir))));
    app.use(rateLimit(deps.cfg.keys.replicas));
    app.use(compatAuthErrors(deps.cfg));
  }
  // From here the runs service knows the caller: each tenant sees its own runs (admin keys: every run).
  app.use(callerScope);
  // Piston's API reads its own bodies (any content type) and answers its own errors, so it goes first.
  const { piston } = deps.cfg;
  if (piston.enabled)
    app.use(pistonPaths(piston.prefix), compatibleApi(pistonRouter({ cfg: deps.cfg, runs: deps.runs, languages })));
  app.use(express.json({ limit: jsonBodyLimit(deps.cfg.limits), type: 'application/json' }));
  // The native API: each route declared once (src/api/openapi), served and described at /openapi.json.
  const routes = new ApiRoutes();
  app.use(openApiRouter(routes));
  app.use(systemRouter(routes, deps.system, languages, deps.cfg));
  app.use(runsRouter(routes, deps.runs, deps.cfg));
  // Judge0 CE 1.13.1: everything under JUDGE0_PREFIX, and at the root what does not clash with ours (/languages).
  const judge0 = { cfg: deps.cfg, runs: deps.runs, system: deps.system, languages };
  app.use(deps.cfg.judge0.prefix, compatibleApi(judge0Router(judge0, { languages: true })));
  app.use(compatibleApi(judge0Router(judge0, { languages: false })));
  if (deps.uiDir) app.use('/', express.static(deps.uiDir, { index: 'index.html', maxAge: '1h' }));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/** Piston's paths: /api/v2 at the root, as its clients call `{server}/api/v2/...`, and under the prefix. */
export const pistonPaths = (prefix: string): string[] => [...new Set(['/api/v2', `${prefix}/api/v2`])];

/** GET /metrics: the Prometheus text exposition (open: it holds counts and labels, never input). */
const metricsRoute =
  (metrics: ApiMetrics): express.RequestHandler =>
  (_req, res, next) => {
    metrics
      .exposition()
      .then((text) => res.type(metrics.contentType).send(text))
      .catch(next);
  };

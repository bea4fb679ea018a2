import express, { type Express } from 'express';
import type { Config } from '../config/config.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { runsRouter } from './routes/runs.js';
import { systemRouter } from './routes/system.js';
import type { RunsService } from './runs-service.js';
import type { SystemService } from './system-service.js';

export interface AppDeps {
  cfg: Config;
  runs: RunsService;
  system: SystemService;
  /** Optional static UI directory (built by `npm run build`). */
  uiDir?: string;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // JSON escaping can double the size of code and stdin; leave room for it, then check exact sizes.
  const limit = 2 * (deps.cfg.limits.maxCodeBytes + deps.cfg.limits.maxStdinBytes) + 16 * 1024;
  app.use(express.json({ limit, type: 'application/json' }));
  app.use(systemRouter(deps.system, deps.cfg));
  app.use(runsRouter(deps.runs, deps.cfg));
  if (deps.uiDir) app.use('/', express.static(deps.uiDir, { index: 'index.html', maxAge: '1h' }));
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

import type { ErrorRequestHandler } from 'express';
import type { Config } from '../../config/config.js';
import { asHttpError } from '../errors.js';

/** Judge0's own paths at the root (it also answers under its prefix). */
const JUDGE0_ROOT = /^\/(submissions|statuses|about|version|config_info|system_info|statistics|workers)(\/|$)/;

/**
 * The keys' refusals (401, 429) in the shape each API's clients read: Piston's `{message}`, Judge0's
 * `{error}`; ours go on to the one error handler. Mounted right after the keys' middlewares, so it sees only
 * their errors.
 */
export function compatAuthErrors(cfg: Pick<Config, 'judge0' | 'piston'>): ErrorRequestHandler {
  const piston = [`${cfg.piston.prefix}/api/v2/`, '/api/v2/'];
  return (err: unknown, req, res, next) => {
    const e = asHttpError(err);
    const path = `${req.path}/`;
    if (cfg.piston.enabled && piston.some((p) => path.startsWith(p)))
      return void res.status(e.status).json({ message: e.message });
    if (path.startsWith(`${cfg.judge0.prefix}/`) || JUDGE0_ROOT.test(req.path))
      return void res.status(e.status).json({ error: e.message });
    next(err);
  };
}

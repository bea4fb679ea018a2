import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Config } from '../../config/config.js';
import { Judge0Error } from './errors.js';

/**
 * Judge0's two tokens: X-Auth-Token on every request when JUDGE0_AUTH_TOKEN is set (401), X-Auth-User
 * for listing and deleting when JUDGE0_AUTHZ_TOKEN is set (403). Like Judge0, a variable may hold several
 * tokens separated by spaces. Compared in constant time (digests, so lengths do not leak either).
 */
function matches(configured: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const g = digest(given);
  let ok = false;
  for (const token of configured.split(/\s+/).filter(Boolean)) ok = timingSafeEqual(digest(token), g) || ok;
  return ok;
}

export function authn(cfg: Config): RequestHandler {
  return (req, _res, next) => {
    const token = cfg.judge0.authToken;
    if (token && !matches(token, req.get('x-auth-token')))
      return next(new Judge0Error(401, { error: 'authentication failed: send a valid X-Auth-Token header' }));
    next();
  };
}

export function authz(cfg: Config): RequestHandler {
  return (req, _res, next) => {
    const token = cfg.judge0.authzToken;
    if (token && !matches(token, req.get('x-auth-user')))
      return next(new Judge0Error(403, { error: 'authorization failed: send a valid X-Auth-User header' }));
    next();
  };
}

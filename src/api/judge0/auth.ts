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

/** A request is let through when no token is configured or its header carries one of the tokens. */
function guard(token: string | undefined, header: string, status: number, error: string): RequestHandler {
  return (req, res, next) => {
    // With API keys on, the key (in X-Auth-Token or another header) already let the caller in.
    if (res.locals.caller?.keyId) return next();
    if (token && !matches(token, req.get(header))) return next(new Judge0Error(status, { error }));
    next();
  };
}

export const authn = (cfg: Config) =>
  guard(cfg.judge0.authToken, 'x-auth-token', 401, 'authentication failed: send a valid X-Auth-Token header');

export const authz = (cfg: Config) =>
  guard(cfg.judge0.authzToken, 'x-auth-user', 403, 'authorization failed: send a valid X-Auth-User header');

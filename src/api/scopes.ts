import type { RequestHandler } from 'express';
import type { Scope } from '../domain/tenant.js';
import { callerOf } from './caller.js';
import { HttpError } from './http-error.js';

/** 403 forbidden_scope unless the caller's key has `scope` (admin has every scope). */
export const requireScope =
  (scope: Scope): RequestHandler =>
  (_req, res, next) => {
    const { scopes } = callerOf(res);
    if (scopes.includes(scope) || scopes.includes('admin')) return next();
    next(new HttpError(403, 'forbidden_scope', `this key lacks the "${scope}" scope`, { scope }));
  };

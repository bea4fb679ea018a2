import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import { ANONYMOUS, type Caller } from '../domain/tenant.js';
import { callerOf } from './caller.js';

/**
 * The caller of the request being served, for code far from the route (the runs service reads it to keep
 * each tenant to its own runs, whichever API the request came through). Outside a request (tests, the
 * worker): anonymous, which sees everything, as with keys off.
 */
const current = new AsyncLocalStorage<Caller>();

/** Runs the rest of the request with its caller (after the keys middleware set it). */
export const callerScope: RequestHandler = (_req, res, next) => current.run(callerOf(res), next);

export const requestCaller = (): Caller => current.getStore() ?? ANONYMOUS;

import type { ErrorRequestHandler } from 'express';
import { HttpError } from '../http-error.js';
import { logServerError } from '../observe.js';

/** An error with Judge0's own body ({"error": "..."} or a field error object). */
export class Judge0Error extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.error === 'string' ? body.error : `judge0 error ${status}`);
    this.name = 'Judge0Error';
  }
}

/** Our request fields as Judge0 names them, for size errors of the run service. */
const FIELD: Readonly<Record<string, string>> = {
  'body.code': 'source_code',
  'body.stdin': 'stdin',
  body: 'base',
  'body.timeout_seconds': 'wall_time_limit',
  'body.limits.wall_time_ms': 'wall_time_limit',
  'body.limits.cpu_time_ms': 'cpu_time_limit',
  'body.limits.memory_mb': 'memory_limit',
};

/** Our errors as Judge0 answers: field errors 422 {field: [messages]}, others {"error": message}; no internals. */
export function asJudge0(err: unknown): Judge0Error {
  if (err instanceof Judge0Error) return err;
  if (err instanceof HttpError) {
    if (err.status === 404) return new Judge0Error(404, { status: 404, error: 'Not Found' });
    // Size limits and a tenant's maxima: Judge0's field errors.
    if ((err.status === 413 || err.code === 'limit_exceeded') && Array.isArray(err.details)) {
      const fields: Record<string, string[]> = {};
      for (const d of err.details as { field: string; message: string }[])
        (fields[FIELD[d.field] ?? 'base'] ??= []).push(d.message);
      return new Judge0Error(422, fields);
    }
    return new Judge0Error(err.status, { error: err.message });
  }
  return new Judge0Error(500, { error: 'internal error' });
}

export const judge0ErrorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const e = asJudge0(err);
  if (e.status === 500) logServerError(req, res, new HttpError(500, 'internal_error', 'internal error'), err);
  res.status(e.status).json(e.body);
};

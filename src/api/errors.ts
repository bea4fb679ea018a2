import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { HttpError } from '../domain/errors.js';

/** gRPC status codes that mean "the Temporal server is not reachable right now". */
const UNAVAILABLE_GRPC = new Set([4, 14]); // DEADLINE_EXCEEDED, UNAVAILABLE

/** Turns a Temporal/Kubernetes client failure into an HttpError; rethrows anything unknown. */
export function translateTemporalError(err: unknown, runId?: string): never {
  if (err instanceof HttpError) throw err;
  if (err instanceof WorkflowNotFoundError)
    throw new HttpError(404, 'run_not_found', `run ${runId ?? ''} does not exist`.replace('  ', ' '), {
      run_id: runId,
    });
  const grpc = (err as { code?: unknown }).code;
  if (err instanceof ServiceError || (typeof grpc === 'number' && UNAVAILABLE_GRPC.has(grpc))) {
    const cause = (err as { cause?: { code?: number } }).cause;
    const code = typeof grpc === 'number' ? grpc : cause?.code;
    if (code === undefined || UNAVAILABLE_GRPC.has(code))
      throw new HttpError(
        503,
        'temporal_unavailable',
        'the Temporal server is unreachable; nothing was accepted, retry later',
      );
  }
  throw err;
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(new HttpError(404, 'route_not_found', `no route for ${req.method} ${req.path}`));

/** The one error handler: JSON with status, stable code, message and details; never a stack trace. */
export const errorHandler: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  const e = normalize(err);
  if (e.status >= 500 && e.code === 'internal_error') console.error('api: unhandled error:', err);
  res
    .status(e.status)
    .json({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } });
};

function normalize(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const bodyErr = err as { type?: string; status?: number; limit?: number };
  if (bodyErr?.type === 'entity.parse.failed')
    return new HttpError(400, 'malformed_json', 'the request body is not valid JSON');
  if (bodyErr?.type === 'entity.too.large')
    return new HttpError(413, 'body_too_large', `the request body exceeds ${bodyErr.limit} bytes`, {
      limit_bytes: bodyErr.limit,
    });
  if (bodyErr?.type === 'encoding.unsupported' || bodyErr?.type === 'charset.unsupported')
    return new HttpError(415, 'unsupported_encoding', 'the request body encoding is not supported');
  if (typeof bodyErr?.status === 'number' && bodyErr.status >= 400 && bodyErr.status < 500)
    return new HttpError(bodyErr.status, 'bad_request', 'the request could not be read');
  return new HttpError(500, 'internal_error', 'internal error');
}

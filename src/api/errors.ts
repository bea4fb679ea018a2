import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isGrpcServiceError, ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { HttpError } from './http-error.js';
import { logServerError } from './observe.js';

const GRPC = { DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14 } as const;

/** The gRPC status of a Temporal client failure (the error or the ServiceError's cause), if it has one. */
export function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  const cause = err instanceof ServiceError ? err.cause : undefined;
  return isGrpcServiceError(cause) ? cause.code : undefined;
}

/**
 * Turns a Temporal client failure into an HttpError; rethrows anything unknown. Only the statuses that
 * mean the server cannot be reached or did not answer in time are reported as unavailability.
 */
export function translateTemporalError(err: unknown, runId?: string): never {
  if (err instanceof HttpError) throw err;
  if (err instanceof WorkflowNotFoundError)
    throw new HttpError(404, 'run_not_found', `run ${runId ?? ''} does not exist`.replace('  ', ' '), {
      run_id: runId,
    });
  const code = grpcCode(err);
  if (code === GRPC.UNAVAILABLE)
    throw new HttpError(
      503,
      'temporal_unavailable',
      'the Temporal server is unreachable; nothing was accepted, retry later',
      undefined,
      { cause: err },
    );
  if (code === GRPC.DEADLINE_EXCEEDED)
    throw new HttpError(
      503,
      'temporal_unavailable',
      'the Temporal server did not answer in time; nothing was accepted, retry later',
      undefined,
      { cause: err },
    );
  if (code === GRPC.RESOURCE_EXHAUSTED)
    throw new HttpError(503, 'temporal_busy', 'the Temporal server is overloaded; retry later', undefined, {
      cause: err,
    });
  if (err instanceof ServiceError || code !== undefined)
    throw new HttpError(
      502,
      'temporal_error',
      'the Temporal server refused the request',
      { grpc_code: code ?? null },
      {
        cause: err,
      },
    );
  throw err;
}

export const notFoundHandler: RequestHandler = (req, _res, next) =>
  next(new HttpError(404, 'route_not_found', `no route for ${req.method} ${req.path}`));

/** The one error handler: JSON with status, stable code, message and details; never a stack trace. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  const e = asHttpError(err);
  logServerError(req, res, e, err);
  res
    .status(e.status)
    .json({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } });
};

/** Any error as an HttpError: ours as they are, the body parser's by their type, the rest a plain 500. */
export function asHttpError(err: unknown): HttpError {
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

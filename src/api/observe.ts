import type { Request, RequestHandler, Response } from 'express';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { pino } from 'pino';
import type { Logger } from '../obs/logger.js';
import type { ApiMetrics } from '../obs/api-metrics.js';
import { callerOf } from './caller.js';
import type { HttpError } from './http-error.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const RUN_IN_PATH = new RegExp(`/(?:runs|submissions)/(${UUID})(?:/|$)`, 'i');

/** The run a request is about: in its path (/runs/{id}, /submissions/{token}) or its Location (a submit). */
export function runIdOf(path: string, location?: string): string | undefined {
  return RUN_IN_PATH.exec(path)?.[1] ?? (location ? RUN_IN_PATH.exec(location)?.[1] : undefined);
}

/** The route's pattern as a metric label (never the raw path: ids would make a label per run). */
export function routeOf(req: Pick<Request, 'baseUrl' | 'route'>, status: number): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return `${req.baseUrl}${path}` || '/';
  if (Array.isArray(path)) return `${req.baseUrl}${String(path[0])}`;
  return status === 404 ? 'unmatched' : 'other';
}

export interface ObserveOptions {
  log: Logger;
  metrics: ApiMetrics;
  /** Open a server span per request (only when traces are exported). */
  tracing: boolean;
}

const QUIET = new Set(['/health', '/ready', '/metrics']);

/**
 * First middleware: one log line per request (method, path, status, ms, run_id, tenant), its count and
 * duration by route, and with tracing on a server span that parents what the request does (a workflow
 * start among it). The request's own logger (with `run_id` when its path names a run) is `res.locals.log`.
 */
export function observe(o: ObserveOptions): RequestHandler {
  const tracer = trace.getTracer('code-runner-api');
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    const span = o.tracing
      ? tracer.startSpan(
          `${req.method} ${req.path}`,
          { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
          propagation.extract(context.active(), req.headers),
        )
      : undefined;
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = routeOf(req, res.statusCode);
      o.metrics.observeRequest(route, req.method, res.statusCode, seconds);
      const runId = runIdOf(req.originalUrl.split('?')[0] ?? '', res.getHeader('location')?.toString());
      const fields = {
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
        ...(runId ? { run_id: runId } : {}),
        tenant: callerOf(res).tenant,
      };
      if (res.statusCode >= 500) o.log.warn(fields, 'request');
      // Probes and scrapes come every few seconds: their successes only at debug.
      else if (QUIET.has(req.path) && res.statusCode < 400) o.log.debug(fields, 'request');
      else o.log.info(fields, 'request');
      if (span) {
        span.updateName(`${req.method} ${route}`);
        span.setAttributes({ 'http.route': route, 'http.response.status_code': res.statusCode });
        if (runId) span.setAttribute('code_runner.run_id', runId);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    });
    const pathRun = runIdOf(req.path);
    res.locals.log = pathRun ? o.log.child({ run_id: pathRun }) : o.log;
    if (!span) return next();
    // The body is read from the request's events: bind them, so what follows runs inside the span.
    const ctx = trace.setSpan(context.active(), span);
    context.bind(ctx, req);
    context.bind(ctx, res);
    context.with(ctx, next);
  };
}

/** Routers mounted without `observe` (a test's own app) still report their errors, on stderr. */
const fallback: Logger = pino({ level: 'error' }, pino.destination(2));

/** The request's logger, as `observe` set it. */
export const logOf = (res: Response): Logger => res.locals.log ?? fallback;

/**
 * What an error handler logs of a 5xx: the route, the stable code, the run and tenant, and the cause's
 * message (the whole error, stack included, only for an unexpected one). Clients never see these.
 */
export function logServerError(req: Request, res: Response, e: HttpError, err: unknown): void {
  if (e.status < 500) return;
  // The request's logger carries the run id already.
  const fields = { method: req.method, path: req.originalUrl, code: e.code, tenant: callerOf(res).tenant };
  if (e.code === 'internal_error') logOf(res).error({ ...fields, err }, 'unhandled error');
  else logOf(res).error({ ...fields, cause: e.cause instanceof Error ? e.cause.message : e.message }, e.code);
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express types its locals by this merge
  namespace Express {
    interface Locals {
      /** The app's logger, set by `observe` for every request. */
      log?: Logger;
    }
  }
}

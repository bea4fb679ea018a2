import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import type { Scope } from '../../domain/tenant.js';
import { requireScope } from '../scopes.js';
import { requireJson, validated, type Valid } from '../validate.js';

/**
 * One response of an operation: what it means, and its JSON body's schema (none: the error body). Schemas
 * with an id (`.meta({ id })`) become the document's components.schemas.<id>, referenced wherever they occur;
 * request schemas stay inline (generators such as openapi-typescript only treat defaults as optional there).
 */
export interface ResponseSpec {
  description: string;
  body?: z.ZodType;
  /** Not JSON (e.g. text/event-stream): the body schema then describes one event's data. */
  mediaType?: string;
}

/** A header the handler reads itself (documented, not validated here: its handler answers its own error). */
export interface HeaderSpec {
  name: string;
  description: string;
  schema: z.ZodType;
}

/**
 * A native route, declared once: the router installs it from this (scope check, JSON check, validation,
 * handler) and the OpenAPI document is generated from the same declaration.
 */
export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: 'get' | 'post' | 'delete';
  /** Express style: /runs/:run_id. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** What the caller's key must allow; null: public (probes, this document). */
  scope: Scope | null;
  params?: P;
  query?: Q;
  body?: B;
  headers?: HeaderSpec[];
  /** Success and route-specific error statuses; the common errors (400, 403, 5xx) are added by the document. */
  responses: Record<number, ResponseSpec>;
}

/** What the registry keeps of a route: its declaration. */
export type DeclaredRoute = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

type Handler<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> = (
  input: Valid<B, Q, P>,
  req: Request,
  res: Response,
) => Promise<unknown>;

/** The registry of the native API's routes: each is installed on a router and recorded for the document. */
export class ApiRoutes {
  private readonly declared: DeclaredRoute[] = [];

  get routes(): readonly DeclaredRoute[] {
    return this.declared;
  }

  /** Installs requireScope(scope), requireJson when it takes a body, then the validated handler. */
  add<B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown, P extends z.ZodType = z.ZodUnknown>(
    router: Router,
    spec: RouteSpec<B, Q, P>,
    handler: Handler<B, Q, P>,
  ): void {
    const { body } = spec;
    const chain = [
      ...(spec.scope ? [requireScope(spec.scope)] : []),
      ...(body ? [requireJson] : []),
      validated({ body, query: spec.query, params: spec.params }, handler),
    ];
    router[spec.method](spec.path, ...chain);
    this.declared.push(spec);
  }
}

/**
 * Routers outside this document: the compatible APIs (Judge0, Piston), which follow their own projects'
 * contracts, and Prometheus' /metrics (its text format, docs/observability.md).
 */
export const compatibleApis = new WeakSet<Router>();

export function compatibleApi(router: Router): Router {
  compatibleApis.add(router);
  return router;
}

/** /metrics: Prometheus' text format, not the JSON API. */
export const metricsEndpoint = compatibleApi;

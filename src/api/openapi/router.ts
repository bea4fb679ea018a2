import { Router } from 'express';
import { z } from 'zod';
import { openApiDocument } from './document.js';
import type { ApiRoutes } from './routes.js';

/** GET /openapi.json: the document of every route declared in `routes` (itself included), built once. */
export function openApiRouter(routes: ApiRoutes): Router {
  const r = Router();
  let doc: Record<string, unknown> | null = null;
  routes.add(
    r,
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'openApiDocument',
      summary: 'This document (OpenAPI 3.1)',
      tag: 'meta',
      scope: null,
      responses: {
        200: { description: 'the OpenAPI document', body: z.object({ openapi: z.string() }).catchall(z.unknown()) },
      },
    },
    async (_input, _req, res) => {
      // Built at the first request: every router has declared its routes by then.
      doc ??= openApiDocument(routes.routes);
      res.json(doc);
    },
  );
  return r;
}

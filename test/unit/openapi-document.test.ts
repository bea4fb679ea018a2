import express, { Router } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { Validator } from '@seriousme/openapi-schema-validator';
import { errorHandler } from '../../src/api/errors.js';
import { openApiDocument, openApiPath } from '../../src/api/openapi/document.js';
import { ApiRoutes } from '../../src/api/openapi/routes.js';
import type { Scope } from '../../src/domain/tenant.js';

/** The route-declaration layer and the document built from it, on routes made up for the test. */
const thing = z.object({ id: z.string(), size: z.number().int() }).meta({ id: 'TestThing' });

function declare() {
  const routes = new ApiRoutes();
  const r = Router();
  routes.add(
    r,
    {
      method: 'get',
      path: '/things/:thing_id',
      operationId: 'getThing',
      summary: 'a thing',
      tag: 'things',
      scope: null,
      params: z.object({ thing_id: z.string().regex(/^\w+$/) }),
      responses: { 200: { description: 'the thing', body: thing } },
    },
    async ({ params }, _req, res) => {
      res.json({ id: params.thing_id, size: 1 });
    },
  );
  routes.add(
    r,
    {
      method: 'post',
      path: '/things',
      operationId: 'createThing',
      summary: 'make a thing',
      tag: 'things',
      scope: 'submit',
      body: z.object({ name: z.string(), size: z.number().int().default(3) }),
      query: z.object({ dry: z.enum(['true', 'false']).optional(), mode: z.string() }),
      headers: [{ name: 'Idempotency-Key', description: 'a key', schema: z.string() }],
      responses: { 201: { description: 'made', body: thing } },
    },
    async ({ body }, _req, res) => {
      res.status(201).json({ id: body.name, size: body.size });
    },
  );
  return { routes, router: r };
}

describe('OpenAPI: routes declared once', () => {
  it('turns Express paths into OpenAPI paths', () => {
    expect(openApiPath('/runs/:run_id/logs')).toBe('/runs/{run_id}/logs');
    expect(openApiPath('/health')).toBe('/health');
  });

  it('builds a valid 3.1 document: parameters, body, scopes, the common errors, named schemas once', async () => {
    const doc = openApiDocument(declare().routes.routes) as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { schemas: Record<string, unknown> };
    };
    const v = new Validator();
    expect(await v.validate(doc)).toEqual({ valid: true });
    expect(v.version).toBe('3.1');

    const get = doc.paths['/things/{thing_id}']!.get!;
    expect(get.security).toEqual([]);
    expect(get['x-scope']).toBeUndefined();
    expect(get.parameters).toEqual([
      { name: 'thing_id', in: 'path', required: true, schema: { type: 'string', pattern: '^\\w+$' } },
    ]);
    expect(Object.keys(get.responses as object).sort()).toEqual(['200', '400', 'default']);

    const post = doc.paths['/things']!.post!;
    expect(post['x-scope']).toBe('submit');
    expect(post.security).toBeUndefined(); // the document's global API-key requirement applies
    expect(post.parameters).toEqual([
      { name: 'dry', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
      { name: 'mode', in: 'query', required: true, schema: { type: 'string' } },
      { name: 'Idempotency-Key', in: 'header', required: false, description: 'a key', schema: { type: 'string' } },
    ]);
    // A request body stays inline, as its input: `size` has a default, so only `name` is required.
    expect(post.requestBody).toEqual({
      required: true,
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, size: { default: 3, type: 'integer' } },
            required: ['name'],
          },
        },
      },
    });
    const responses = post.responses as Record<string, { content: { 'application/json': { schema: unknown } } }>;
    expect(Object.keys(responses).sort()).toEqual(['201', '400', '401', '403', '413', '415', 'default']);
    expect(responses['201']!.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/TestThing' });
    expect(responses['403']!.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(doc.components.schemas.TestThing).toEqual({
      type: 'object',
      properties: { id: { type: 'string' }, size: { type: 'integer' } },
      required: ['id', 'size'],
      additionalProperties: false,
    });
  });

  it('refuses two different schemas under one id', () => {
    const routes = new ApiRoutes();
    const r = Router();
    for (const [path, size] of [
      ['/a', z.number()],
      ['/b', z.string()],
    ] as const)
      routes.add(
        r,
        {
          method: 'get',
          path,
          operationId: path.slice(1),
          summary: path,
          tag: 't',
          scope: 'read',
          responses: { 200: { description: 'x', body: z.object({ size }).meta({ id: 'Clash' }) } },
        },
        async () => undefined,
      );
    expect(() => openApiDocument(routes.routes)).toThrow('two different schemas have the id Clash');
  });

  it('installs what it declares: the scope check, JSON only for bodies, validation, then the handler', async () => {
    const { router } = declare();
    const app = (scopes: Scope[]) => {
      const a = express();
      a.use((_req, res, next) => {
        res.locals.caller = { tenant: 't', scopes };
        next();
      });
      a.use(express.json());
      a.use(router);
      a.use(errorHandler);
      return a;
    };
    const refused = await request(app(['read']))
      .post('/things?mode=x')
      .send({ name: 'n' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'forbidden_scope', details: { scope: 'submit' } });
    const text = await request(app(['submit']))
      .post('/things?mode=x')
      .type('text/plain')
      .send('n');
    expect(text.status).toBe(415);
    const invalid = await request(app(['submit']))
      .post('/things')
      .send({ size: 'big' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'body.name',
      'body.size',
      'query.mode',
    ]);
    const made = await request(app(['submit']))
      .post('/things?mode=x')
      .send({ name: 'n' });
    expect([made.status, made.body]).toEqual([201, { id: 'n', size: 3 }]);
    // A public route needs no scope at all.
    const got = await request(app([])).get('/things/t1');
    expect([got.status, got.body]).toEqual([200, { id: 't1', size: 1 }]);
  });
});

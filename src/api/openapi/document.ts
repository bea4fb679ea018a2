import { z } from 'zod';
import { errorBody } from '../response-schemas.js';
import type { DeclaredRoute, ResponseSpec } from './routes.js';

/** The native API's contract version (the document's info.version). */
export const API_VERSION = '1.0.0';

type Json = Record<string, unknown>;
type Io = 'input' | 'output';

const DESCRIPTION = [
  "Code Runner's native API: submit code, follow the run, read its output, list and cancel runs.",
  'Generated from the zod schemas the routes validate with, so it cannot drift from them.',
  'When the operator turns API keys on, send one as `Authorization: Bearer <key>` or `X-API-Key: <key>`;',
  'each operation names the scope its key needs (`x-scope`). With keys off (the default), no key is needed.',
  'Not described here: the Judge0 CE compatible API (`/submissions`, `JUDGE0_PREFIX`) and the Piston v2',
  'compatible API (`/api/v2`), which follow their own projects’ contracts.',
].join(' ');

/**
 * Zod schemas as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as requests (input) or responses (output).
 * Schemas with an id are collected once in `components` and referenced as #/components/schemas/<id>.
 */
export class SchemaSet {
  readonly components: Record<string, Json> = {};

  convert(schema: z.ZodType, io: Io): Json {
    const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', override });
    const { $defs, ...rest } = rewriteRefs(converted) as Json & { $defs?: Record<string, Json> };
    delete rest.$schema; // the document's dialect (OpenAPI 3.1: JSON Schema 2020-12) applies
    for (const [id, def] of Object.entries($defs ?? {})) {
      const known = this.components[id];
      if (known && JSON.stringify(known) !== JSON.stringify(def))
        throw new Error(`two different schemas have the id ${id}`);
      this.components[id] = def;
    }
    return rest;
  }
}

/** zod bounds every integer by JavaScript's safe range: true of any JSON number a client sends, so left out. */
const override = ({ jsonSchema: s }: { jsonSchema: { minimum?: number; maximum?: number } }) => {
  if (s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
  if (s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
};

const rewriteRefs = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(rewriteRefs)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v).map(([k, x]) => [
            k,
            k === '$ref' && typeof x === 'string' ? x.replace(/^#\/\$defs\//, '#/components/schemas/') : rewriteRefs(x),
          ]),
        )
      : v;

/** Express `/runs/:run_id` → OpenAPI `/runs/{run_id}`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Builds the OpenAPI 3.1 document of the declared routes. */
export function openApiDocument(routes: readonly DeclaredRoute[]): Json {
  const schemas = new SchemaSet();
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const item = (paths[openApiPath(route.path)] ??= {});
    item[route.method] = operation(route, schemas);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Code Runner API', version: API_VERSION, description: DESCRIPTION },
    servers: [{ url: '/', description: 'this API' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    paths,
    components: {
      schemas: schemas.components,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API key as `Authorization: Bearer <key>`' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'an API key as `X-API-Key`' },
      },
    },
  };
}

function operation(route: DeclaredRoute, schemas: SchemaSet): Json {
  const parameters = [
    ...fields(schemas, route.params, 'path'),
    ...fields(schemas, route.query, 'query'),
    ...(route.headers ?? []).map((h) => ({
      name: h.name,
      in: 'header',
      required: false,
      description: h.description,
      schema: schemas.convert(h.schema, 'input'),
    })),
  ];
  const responses: Record<string, Json> = {};
  const respond = (status: number | 'default', r: ResponseSpec) =>
    (responses[String(status)] ??= {
      description: r.description,
      content: { [r.mediaType ?? 'application/json']: { schema: schemas.convert(r.body ?? errorBody, 'output') } },
    });
  for (const [status, r] of Object.entries(route.responses)) respond(Number(status), r);
  if (route.params || route.query || route.body)
    respond(400, { description: 'invalid_request: every problem of params, query and body, by field' });
  if (route.body) {
    respond(413, { description: 'body_too_large' });
    respond(415, { description: 'unsupported_media_type: the body must be application/json' });
  }
  if (route.scope) {
    respond(401, { description: 'API keys are on and no valid key was sent' });
    respond(403, { description: `forbidden_scope: the key lacks the "${route.scope}" scope` });
  }
  respond('default', { description: 'any other error (e.g. 503 temporal_unavailable), as {error: {code, message}}' });

  const scopeNote = route.scope
    ? `Scope: \`${route.scope}\` (or \`admin\`) when API keys are on.`
    : 'Public: no key needed.';
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, scopeNote].filter(Boolean).join('\n\n'),
    tags: [route.tag],
    ...(route.scope ? { 'x-scope': route.scope } : { security: [] }),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemas.convert(route.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

/** Each property of an object schema (params, query) as an OpenAPI parameter. */
function fields(schemas: SchemaSet, schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const s = schemas.convert(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return {
      name,
      in: where,
      required: where === 'path' || (s.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

import { mkdirSync, writeFileSync } from 'node:fs';
import type { Express, Router } from 'express';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import ts from 'typescript';
import { compatibleApis } from '../../src/api/openapi/routes.js';
import { ARTIFACTS } from './paths.js';

/** The OpenAPI document as the tests read it. */
export interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  security: Record<string, string[]>[];
  info: { description: string };
}
export interface Operation {
  operationId: string;
  'x-scope'?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: unknown;
  responses: Record<string, { content: { 'application/json': { schema: unknown } } }>;
}

interface Layer {
  name: string;
  rawPath?: string;
  handle: Router & { stack?: Layer[] };
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * Every route the Express app serves outside the compatible APIs, as "METHOD /openapi/{path}": walks the
 * app's router stack (Express 5: app.router.stack) and the routers mounted in it, with their mount paths.
 */
export function nativeRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = `${prefix}${layer.route.path}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on && method !== '_all') found.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.name === 'router' && layer.handle.stack && !compatibleApis.has(layer.handle)) {
        walk(layer.handle.stack, `${prefix}${layer.rawPath && layer.rawPath !== '/' ? layer.rawPath : ''}`);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return found.sort();
}

/** The document's operations as "METHOD /path". */
export const documentedOperations = (doc: OpenApiDoc): string[] =>
  Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();

/** Checks JSON bodies against the document's own response schemas (a real JSON Schema 2020-12 validator). */
export function responseChecker(doc: OpenApiDoc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajvFormats.default(ajv);
  return (method: string, path: string, status: number, body: unknown): string[] => {
    const op = doc.paths[path]?.[method.toLowerCase()];
    if (!op) return [`${method} ${path} is not in the document`];
    const response = op.responses[String(status)] ?? op.responses.default;
    if (!response) return [`${method} ${path} documents no ${status}`];
    const schema = { ...(response.content['application/json'].schema as object), components: doc.components };
    const validate = ajv.compile(schema);
    return validate(body)
      ? []
      : (validate.errors ?? []).map((e) => `${method} ${path} ${status}: ${e.instancePath} ${e.message}`);
  };
}

/**
 * Type-checks `program` (TypeScript using the generated `paths` through openapi-fetch) with the project's
 * compiler: the generated types are written to artifacts/openapi-client/api.d.ts. Returns the diagnostics.
 */
export function typecheckClient(generated: string, program: string): string[] {
  // Inside the repo, so `openapi-fetch` resolves from its node_modules.
  const dir = `${ARTIFACTS}/openapi-client`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/api.d.ts`, generated);
  writeFileSync(`${dir}/client.ts`, program);
  const host = ts.createProgram([`${dir}/client.ts`], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(host)
    .map(
      (d) =>
        `${d.file ? d.file.fileName.replace(dir, '') : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
}

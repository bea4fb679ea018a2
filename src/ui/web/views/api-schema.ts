import { h } from '../dom.js';

/** The parts of an OpenAPI 3.1 document (JSON Schema 2020-12 schemas) the reference page reads. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  pattern?: string;
}

export interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  'x-scope'?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
}

const refName = (ref: string): string => ref.split('/').pop() ?? ref;

/** A schema's type in a few characters: `string | null`, `Run[]`, `"exact" | "tokens"`. */
export function typeLabel(s: Schema): string {
  if (s.$ref) return refName(s.$ref);
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.map(typeLabel).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length === 0) return 'any';
  return types
    .map((t) => {
      if (t === 'array') return `${s.items ? typeLabel(s.items) : 'any'}[]`;
      if (t === 'object' && !s.properties && typeof s.additionalProperties === 'object')
        return `map of ${typeLabel(s.additionalProperties)}`;
      return s.format ? `${t} (${s.format})` : t;
    })
    .join(' | ');
}

/** The constraints worth a reader's eye: default, bounds, lengths, pattern. */
export function constraints(s: Schema): string[] {
  const out: string[] = [];
  if (s.default !== undefined) out.push(`default ${JSON.stringify(s.default)}`);
  if (s.minimum !== undefined) out.push(`min ${s.minimum}`);
  if (s.maximum !== undefined) out.push(`max ${s.maximum}`);
  if (s.minLength !== undefined) out.push(`min length ${s.minLength}`);
  if (s.maxLength !== undefined) out.push(`max length ${s.maxLength}`);
  if (s.maxItems !== undefined) out.push(`at most ${s.maxItems}`);
  if (s.pattern) out.push(`pattern ${s.pattern}`);
  return out;
}

/** The schemas a property leads to that have fields of their own (object, array of objects, a named schema). */
function nested(s: Schema): Schema[] {
  if (s.$ref || s.properties) return [s];
  if (s.items) return nested(s.items);
  return (s.anyOf ?? s.oneOf ?? []).flatMap(nested);
}

/**
 * A schema as a list of its fields, each with its type, whether it is required, its description and
 * constraints. Named schemas and nested objects open on demand (<details>), so cycles and size stay cheap.
 */
export function schemaView(s: Schema, doc: OpenApiDoc): HTMLElement {
  const resolved = s.$ref ? (doc.components?.schemas?.[refName(s.$ref)] ?? {}) : s;
  const union = resolved.anyOf ?? resolved.oneOf;
  if (union)
    return h(
      'div',
      { class: 'schema-union' },
      h('p', { class: 'hint' }, 'One of:'),
      union.map((alt) => expandable(alt, doc)),
    );
  if (!resolved.properties) return h('p', { class: 'schema-type' }, h('code', {}, typeLabel(resolved)));
  const required = new Set(resolved.required ?? []);
  return h(
    'ul',
    { class: 'schema-props' },
    Object.entries(resolved.properties).map(([name, prop]) =>
      h(
        'li',
        {},
        h('code', { class: 'prop-name' }, name),
        ' ',
        h('span', { class: 'prop-type' }, typeLabel(prop)),
        required.has(name) ? h('span', { class: 'prop-required' }, 'required') : null,
        prop.description ? h('span', { class: 'prop-desc' }, prop.description) : null,
        constraints(prop).length ? h('span', { class: 'prop-constraints' }, constraints(prop).join(' · ')) : null,
        nested(prop).map((n) => expandable(n, doc)),
      ),
    ),
  );
}

/** A schema behind a disclosure: its name (or "fields") as the summary, its fields rendered at first open. */
export function expandable(s: Schema, doc: OpenApiDoc, open = false): HTMLDetailsElement {
  const details = h('details', { class: 'schema' }, h('summary', {}, s.$ref ? refName(s.$ref) : 'fields'));
  let filled = false;
  const fill = () => {
    if (filled || !details.open) return;
    filled = true;
    details.append(schemaView(s, doc));
  };
  details.addEventListener('toggle', fill);
  details.open = open;
  fill();
  return details;
}

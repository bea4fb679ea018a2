import fc from 'fast-check';
import { z } from 'zod';

/**
 * fast-check arbitraries driven by the API's own zod schemas (through their JSON Schema): values that
 * satisfy each field, mixed with the hostile neighbours a client could send instead (wrong types, out of
 * range, missing or extra fields, control characters, lone surrogates, huge strings).
 */
type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
};

/** Strings an attacker likes: control characters, NULs, unicode edge cases, injection-looking text. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\0',
    '\u2028',
    '\uD800',
    "'; DROP TABLE runs; --",
    "python' OR RunStatus = 'Failed",
    '../../etc/passwd',
    '%00',
    '__proto__',
    'constructor',
    '{"$ne":null}',
    'A'.repeat(5000),
  ),
);

/** Any JSON value, including deep and odd ones. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2),
);

function validArbitrary(s: JsonSchema): fc.Arbitrary<unknown> {
  if (s.anyOf) return fc.oneof(...s.anyOf.map(validArbitrary));
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.type === 'integer') return fc.integer({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9 });
  if (s.type === 'number') return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true });
  if (s.type === 'boolean') return fc.boolean();
  if (s.type === 'string') {
    if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
    return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 60, 60) });
  }
  if (s.type === 'object') return objectArbitrary(s);
  return anyJson;
}

/** A field's value: mostly valid, otherwise a neighbour just outside the schema or anything at all. */
function fieldArbitrary(s: JsonSchema): fc.Arbitrary<unknown> {
  const outside: fc.Arbitrary<unknown>[] = [anyJson];
  if (s.type === 'integer' || s.type === 'number') {
    const lo = s.minimum ?? 0;
    const hi = s.maximum ?? 1e9;
    outside.push(fc.constantFrom(lo - 1, hi + 1, lo + 0.5, String(hi), `${lo}x`, '', NaN));
  }
  if (s.type === 'string') {
    outside.push(hostileString);
    if (s.maxLength !== undefined) outside.push(fc.constant('x'.repeat(s.maxLength + 1)));
  }
  return fc.oneof({ arbitrary: validArbitrary(s), weight: 3 }, ...outside.map((a) => ({ arbitrary: a, weight: 1 })));
}

function objectArbitrary(
  s: JsonSchema,
  valid: Record<string, fc.Arbitrary<unknown>> = {},
): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const required = new Set(s.required ?? []);
  const field = (k: string, v: JsonSchema) =>
    valid[k]
      ? fc.oneof({ arbitrary: valid[k], weight: 3 }, { arbitrary: fieldArbitrary(v), weight: 1 })
      : fieldArbitrary(v);
  const fields = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, field(k, v)]));
  // Every field may be missing (required ones rarely), and extra fields ride along.
  const record = fc.record(fields, { requiredKeys: [...required] });
  const dropped = fc.record(fields, { requiredKeys: [] });
  const extra = fc.dictionary(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor')), anyJson, {
    maxKeys: 3,
  });
  return fc
    .tuple(fc.oneof({ arbitrary: record, weight: 4 }, { arbitrary: dropped, weight: 1 }), extra)
    .map(([base, more]) => ({ ...more, ...base }));
}

/**
 * Objects shaped by a zod object schema, for bodies and query strings. `valid` adds values for fields whose
 * validity the schema cannot express (a language must also be in the registry).
 */
export function arbitraryFor(
  schema: z.ZodType,
  valid: Record<string, fc.Arbitrary<unknown>> = {},
): fc.Arbitrary<Record<string, unknown>> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return objectArbitrary(json, valid);
}

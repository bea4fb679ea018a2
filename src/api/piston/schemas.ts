import { z } from 'zod';

/**
 * Piston v2's `POST /api/v2/execute` body, with Piston's own messages (api/src/api/v2.js). `{path}` in a
 * message is replaced by the field's path as Piston writes it (`files[0].content`). The six limit fields
 * are read by request.ts, which keeps Piston's rules (0 or absent: the default; not a number: refused).
 */

const FILE_ENCODINGS = ['utf8', 'base64', 'hex'] as const;
export type PistonEncoding = (typeof FILE_ENCODINGS)[number];

const file = z.object(
  {
    name: z.string({ error: '{path} must be a string' }).nullish(),
    content: z.string({ error: '{path} is required as a string' }),
    encoding: z.enum(FILE_ENCODINGS, { error: '{path} must be one of utf8, base64, hex' }).nullish(),
  },
  { error: '{path} must be an object' },
);

export const LIMIT_FIELDS = [
  'compile_memory_limit',
  'run_memory_limit',
  'compile_timeout',
  'run_timeout',
  'compile_cpu_time',
  'run_cpu_time',
] as const;
export type LimitField = (typeof LIMIT_FIELDS)[number];

export const executeBody = z.object(
  {
    language: z.string({ error: 'language is required as a string' }).min(1, 'language is required as a string'),
    version: z.string({ error: 'version is required as a string' }).min(1, 'version is required as a string'),
    files: z.array(file, { error: 'files is required as an array' }).min(1, 'files must hold at least one file'),
    stdin: z.string({ error: 'stdin must be a string' }).nullish(),
    args: z
      .array(z.string({ error: '{path} must be a string' }), { error: 'args must be an array of strings' })
      .nullish(),
    // Read by request.ts with Piston's rules (LIMIT_FIELDS).
    compile_memory_limit: z.unknown().optional(),
    run_memory_limit: z.unknown().optional(),
    compile_timeout: z.unknown().optional(),
    run_timeout: z.unknown().optional(),
    compile_cpu_time: z.unknown().optional(),
    run_cpu_time: z.unknown().optional(),
  },
  { error: 'the request body must be a JSON object' },
);
export type ExecuteBody = z.output<typeof executeBody>;

/** The first problem, as Piston reports one: a sentence in `message`. */
export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'the request is invalid';
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return issue.message.replace('{path}', path.replace(/^\./, ''));
}

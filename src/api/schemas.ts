import { z } from 'zod';
import { RUN_STATUSES } from '../domain/run.js';
import { COMPARE_MODES, MAX_RUN_FILES } from '../domain/judge.js';
import { callbackTarget } from '../domain/address-policy.js';

export const runIdParams = z.object({
  run_id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'run ids are letters, digits and dashes'),
});

/** A file name in the workdir: relative, segments of letters, digits, '.', '_' and '-', no '.'/'..' segments. */
export const SAFE_PATH = /^(?!\.\.?(?:\/|$))[A-Za-z0-9._-]{1,100}(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9._-]{1,100}){0,7}$/;
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type BodyLimits = {
  maxTimeoutSeconds: number;
  defaultTimeoutSeconds: number;
  maxTests: number;
  run: { cpuTimeMs: number; memoryMb: number; processes: number; outputKb: number; fileSizeKb: number };
};

const limit = (name: string, max: number) =>
  z
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be at least 1`)
    .max(max, `${name} must be at most ${max} (the operator's maximum)`)
    .optional();

function judgeFields(limits: BodyLimits) {
  const m = limits.run;
  return {
    files: z
      .array(
        z
          .strictObject({
            name: z.string().regex(SAFE_PATH, 'file names are relative paths of letters, digits, ".", "_" and "-"'),
            content: z.string(),
            encoding: z.enum(['utf8', 'base64']).default('utf8'),
          })
          .refine((f) => f.encoding !== 'base64' || BASE64.test(f.content), {
            message: 'content is not valid base64',
            path: ['content'],
          }),
      )
      .max(MAX_RUN_FILES, `at most ${MAX_RUN_FILES} files`)
      .refine((fs) => new Set(fs.map((f) => f.name)).size === fs.length, 'file names must be unique')
      .default([]),
    args: z.array(z.string().max(4096)).max(64, 'at most 64 arguments').default([]),
    tests: z
      .array(
        z.strictObject({
          stdin: z.string().default(''),
          expected_output: z.string().nullable().default(null),
        }),
      )
      .max(limits.maxTests, `at most ${limits.maxTests} tests`)
      .default([]),
    compare: z
      .strictObject({
        mode: z.enum(COMPARE_MODES).default('exact'),
        abs_tol: z.number().min(0).optional(),
        rel_tol: z.number().min(0).optional(),
      })
      .default({ mode: 'exact' }),
    limits: z
      .strictObject({
        cpu_time_ms: limit('cpu_time_ms', m.cpuTimeMs),
        wall_time_ms: limit('wall_time_ms', limits.maxTimeoutSeconds * 1000),
        memory_mb: limit('memory_mb', m.memoryMb),
        max_processes: limit('max_processes', m.processes),
        output_kb: limit('output_kb', m.outputKb),
        file_size_kb: limit('file_size_kb', m.fileSizeKb),
      })
      .default({}),
  };
}

const runBodies = new WeakMap<BodyLimits, ReturnType<typeof buildRunBody>>();

/** The submission's schema for these limits, built once per configuration (Piston asks for it per request). */
export function createRunBody(limits: BodyLimits): ReturnType<typeof buildRunBody> {
  let body = runBodies.get(limits);
  if (!body) runBodies.set(limits, (body = buildRunBody(limits)));
  return body;
}

function buildRunBody(limits: BodyLimits) {
  return z.object({
    ...judgeFields(limits),
    language: z.string().trim().toLowerCase().min(1, 'language is required'),
    code: z.string({ error: 'code must be a string' }).refine((s) => s.trim().length > 0, 'code must not be empty'),
    timeout_seconds: z.coerce
      .number({ error: 'timeout_seconds must be a number' })
      .int('timeout_seconds must be a whole number')
      .min(1, 'timeout_seconds must be at least 1')
      .max(limits.maxTimeoutSeconds, `timeout_seconds must be at most ${limits.maxTimeoutSeconds}`)
      .default(limits.defaultTimeoutSeconds),
    stdin: z.string().default(''),
    /** A signed POST when the run finishes (README "Webhooks"); its address is checked before the run starts. */
    callback_url: z
      .string({ error: 'callback_url must be a string' })
      .trim()
      .max(2048, 'callback_url must be at most 2048 characters')
      .superRefine((url, ctx) => {
        const t = callbackTarget(url);
        if ('error' in t) ctx.addIssue({ code: 'custom', message: `callback_url ${t.error}` });
      })
      .optional(),
  });
}
export type CreateRunBody = z.infer<ReturnType<typeof createRunBody>>;

export const waitQuery = z.object({
  wait: z
    .union([z.literal('true'), z.literal('false'), z.literal('1'), z.literal('0'), z.string().regex(/^\d+$/)])
    .optional(),
});

export const listRunsQuery = z.object({
  status: z.enum(RUN_STATUSES).optional(),
  language: z
    .string()
    .regex(/^[a-z0-9+#-]{1,32}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(4096, 'cursor is opaque; pass back next_cursor').optional(),
});
export type ListRunsQuery = z.infer<typeof listRunsQuery>;

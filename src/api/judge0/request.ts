import { z } from 'zod';
import type { Config } from '../../config/config.js';
import { additionalFiles } from './files.js';
import { decimal } from './text.js';
import { callbackUrlField } from './callback-url.js';

/**
 * A Judge0 submission as clients send it, validated like Judge0 (Rails) does: numbers may come as numeric
 * strings, missing values take Judge0's defaults, each problem is reported under its field name.
 */

/** Judge0's default and maximum of each limit, each maximum lowered to ours where ours is smaller. */
export function judge0Limits(cfg: Config) {
  const l = cfg.limits;
  const bound = (def: number, max: number) => ({ def: Math.min(def, max), max });
  return {
    number_of_runs: bound(1, Math.max(1, Math.min(20, l.maxTests))),
    cpu_time_limit: bound(5, Math.min(15, l.run.cpuTimeMs / 1000)),
    cpu_extra_time: bound(1, 5),
    wall_time_limit: bound(10, Math.min(20, l.maxTimeoutSeconds)),
    memory_limit: bound(128000, Math.min(512000, l.run.memoryMb * 1024)),
    stack_limit: bound(64000, 128000),
    max_processes_and_or_threads: bound(60, Math.min(120, l.run.processes)),
    max_file_size: bound(1024, Math.min(4096, l.run.fileSizeKb)),
  };
}
export type Judge0Limits = ReturnType<typeof judge0Limits>;

/** A number as Rails' numericality validation takes it (number or numeric string); absent: undefined. */
function numeric(opts: { min?: number; gt?: number; max: number; int?: boolean }) {
  const show = (n: number) => (opts.int ? String(n) : (decimal(n) ?? String(n)));
  return z
    .unknown()
    .optional()
    .transform((v, ctx): number | undefined => {
      if (v === undefined || v === null || v === '') return undefined;
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
      const fail = (message: string) => {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      };
      if (!Number.isFinite(n)) return fail('is not a number');
      if (opts.gt !== undefined && !(n > opts.gt)) return fail(`must be greater than ${show(opts.gt)}`);
      if (opts.min !== undefined && n < opts.min) return fail(`must be greater than or equal to ${show(opts.min)}`);
      if (n > opts.max) return fail(`must be less than or equal to ${show(opts.max)}`);
      return opts.int ? Math.trunc(n) : n;
    });
}

/** A boolean as Rails casts one: true/false, "true"/"false", 1/0; absent: undefined. */
const bool = z
  .unknown()
  .optional()
  .transform((v, ctx): boolean | undefined => {
    if (v === undefined || v === null || v === '') return undefined;
    if (v === true || v === 'true' || v === 1 || v === '1') return true;
    if (v === false || v === 'false' || v === 0 || v === '0') return false;
    ctx.addIssue({ code: 'custom', message: 'is not a boolean' });
    return z.NEVER;
  });

/** Text: a string (numbers are written out, as Rails does for a text column); absent: null. */
const text = z
  .unknown()
  .optional()
  .transform((v, ctx): string | null => {
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    ctx.addIssue({ code: 'custom', message: 'must be a string' });
    return z.NEVER;
  });

const blank = (s: string | null) => s === null || s.trim() === '';

/** `projectMain`: a multi-file program's main file (Judge0 89: `run`), which then comes in additional_files. */
export function submissionSchema(cfg: Config, projectMain: string | null = null) {
  const m = judge0Limits(cfg);
  return z.object({
    source_code: projectMain ? text.refine(blank, 'must be blank') : text.refine((s) => !blank(s), "can't be blank"),
    language_id: numeric({ max: Number.MAX_SAFE_INTEGER, int: true }).refine((v) => v !== undefined, "can't be blank"),
    stdin: text,
    expected_output: text,
    // Our registry's compile commands take no extra options (as Judge0 with ENABLE_COMPILER_OPTIONS=false).
    compiler_options: text.refine(blank, 'setting compiler options is not allowed'),
    command_line_arguments: text.refine(
      (s) => s === null || s.length <= 512,
      'is too long (maximum is 512 characters)',
    ),
    number_of_runs: numeric({ gt: 0, max: m.number_of_runs.max, int: true }),
    cpu_time_limit: numeric({ min: 0, max: m.cpu_time_limit.max }),
    cpu_extra_time: numeric({ min: 0, max: m.cpu_extra_time.max }),
    wall_time_limit: numeric({ min: 1, max: m.wall_time_limit.max }),
    memory_limit: numeric({ min: 2048, max: m.memory_limit.max, int: true }),
    stack_limit: numeric({ min: 0, max: m.stack_limit.max, int: true }),
    max_processes_and_or_threads: numeric({ gt: 0, max: m.max_processes_and_or_threads.max, int: true }),
    enable_per_process_and_thread_time_limit: bool,
    enable_per_process_and_thread_memory_limit: bool,
    max_file_size: numeric({ min: 0, max: m.max_file_size.max, int: true }),
    redirect_stderr_to_stdout: bool,
    enable_network: bool.refine((v) => v !== true || cfg.judge0.allowNetwork, 'enabling network is not allowed'),
    // Not served yet: said so per field rather than silently ignored.
    callback_url: callbackUrlField(cfg),
    additional_files: additionalFiles(cfg.limits.maxInputBytes, projectMain),
  });
}
export type Judge0Request = z.output<ReturnType<typeof submissionSchema>>;

/** Rails' error object: each field with its messages ({"language_id": ["can't be blank"]}). */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of error.issues) {
    const field = String(i.path[0] ?? 'base');
    (out[field] ??= []).push(i.message);
  }
  return out;
}

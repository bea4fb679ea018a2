import type { CreateRunBody } from '../schemas.js';
import type { LanguageSpec, RunInput } from '../../domain/run.js';
import { JUDGE0_LANGUAGES, type Judge0Language } from './languages.js';
import type { Judge0Limits, Judge0Request } from './request.js';
import { shellWords } from './text.js';

/** Pure: a validated Judge0 submission → our run (CreateRunBody) and the Judge0 settings it keeps. */

/** The Judge0 language of an id, or Judge0's message for the language_id field. */
export function judge0Language(
  id: unknown,
  registry: readonly LanguageSpec[],
): { language: Judge0Language; spec: LanguageSpec } | { error: string } | null {
  if (typeof id !== 'number' && !(typeof id === 'string' && /^\d+$/.test(id))) return null; // the schema says why
  const n = Number(id);
  const language = JUDGE0_LANGUAGES.find((l) => l.id === n);
  const spec = language && registry.find((l) => l.id === language.language);
  return language && spec ? { language, spec } : { error: `language with id ${n} doesn't exist` };
}

/**
 * number_of_runs N is N identical tests (Judge0 runs the program N times); expected_output makes them
 * judged, with Judge0's comparison (trailing whitespace of each line and trailing blank lines ignored).
 * Omitted memory and process limits take Judge0's defaults, raised to the language's own where that is
 * higher (a JVM needs more than Judge0's 128000 KB and 60 threads with our flags).
 */
export function toRun(
  req: Judge0Request,
  lang: { language: Judge0Language; spec: LanguageSpec },
  m: Judge0Limits,
): { body: CreateRunBody; settings: NonNullable<RunInput['clientSettings']> } {
  const own = lang.spec.limits?.run ?? {};
  const raised = (def: number, ownValue: number | undefined, max: number) =>
    Math.min(max, Math.max(def, ownValue ?? 0));
  const memoryKb =
    req.memory_limit ??
    raised(m.memory_limit.def, own.memory_mb !== undefined ? own.memory_mb * 1024 : undefined, m.memory_limit.max);
  const processes =
    req.max_processes_and_or_threads ??
    raised(m.max_processes_and_or_threads.def, own.max_processes, m.max_processes_and_or_threads.max);
  const s = {
    language_id: lang.language.id,
    number_of_runs: req.number_of_runs ?? m.number_of_runs.def,
    cpu_time_limit: req.cpu_time_limit ?? m.cpu_time_limit.def,
    cpu_extra_time: req.cpu_extra_time ?? m.cpu_extra_time.def,
    wall_time_limit: req.wall_time_limit ?? m.wall_time_limit.def,
    memory_limit: memoryKb,
    stack_limit: req.stack_limit ?? m.stack_limit.def,
    max_processes_and_or_threads: processes,
    enable_per_process_and_thread_time_limit: req.enable_per_process_and_thread_time_limit ?? false,
    enable_per_process_and_thread_memory_limit: req.enable_per_process_and_thread_memory_limit ?? false,
    max_file_size: req.max_file_size ?? m.max_file_size.def,
    redirect_stderr_to_stdout: req.redirect_stderr_to_stdout ?? false,
    enable_network: req.enable_network ?? false,
    command_line_arguments: req.command_line_arguments,
  };
  const stdin = req.stdin ?? '';
  // Judge0 writes the source file, then unzips without overwriting (unzip -n): the source_code wins. A
  // multi-file program's main file (`run`) is the archive's.
  const extra = req.additional_files ?? [];
  const main = lang.language.project ? extra.find((f) => f.name === lang.spec.fileName) : undefined;
  const judged = req.expected_output !== null || s.number_of_runs > 1;
  const body: CreateRunBody = {
    language: lang.spec.id,
    code: main?.content ?? req.source_code ?? '',
    stdin,
    timeout_seconds: Math.ceil(s.wall_time_limit),
    files: extra.filter((f) => f.name !== lang.spec.fileName),
    args: shellWords(s.command_line_arguments ?? ''),
    tests: judged
      ? Array.from({ length: s.number_of_runs }, () => ({ stdin, expected_output: req.expected_output }))
      : [],
    compare: { mode: judged ? 'trim_trailing' : 'exact' },
    limits: {
      // 0 is "no limit" to isolate: ours is then the operator's maximum.
      cpu_time_ms:
        s.cpu_time_limit > 0 ? Math.max(1, Math.round(s.cpu_time_limit * 1000)) : m.cpu_time_limit.max * 1000,
      wall_time_ms: Math.round(s.wall_time_limit * 1000),
      memory_mb: Math.ceil(s.memory_limit / 1024),
      max_processes: s.max_processes_and_or_threads,
      file_size_kb: Math.max(1, s.max_file_size),
    },
  };
  return { body, settings: s };
}

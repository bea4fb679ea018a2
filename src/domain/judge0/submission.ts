import type { JudgeResult, TestResult } from '../judge.js';
import { runLimits } from '../launcher-spec.js';
import { isTerminal, type RunInput } from '../run.js';
import type { RunView } from '../run-view.js';
import { statusOfRun, statusOfVerdict, type Judge0Status } from './statuses.js';
import { decimal, encode64 } from './text.js';

/** Judge0's id of the Multi-file program (additional_files' `compile` and `run` scripts). */
const MULTI_FILE_PROGRAM = 89;

/** Pure: one of our runs as a Judge0 submission (every field), then the fields a client asked for. */

/** Every field of a submission, in Judge0's column order (fields=*). */
export const FIELDS = [
  'source_code',
  'language_id',
  'stdin',
  'expected_output',
  'stdout',
  'status_id',
  'created_at',
  'finished_at',
  'time',
  'memory',
  'stderr',
  'token',
  'number_of_runs',
  'cpu_time_limit',
  'cpu_extra_time',
  'wall_time_limit',
  'memory_limit',
  'stack_limit',
  'max_processes_and_or_threads',
  'enable_per_process_and_thread_time_limit',
  'enable_per_process_and_thread_memory_limit',
  'max_file_size',
  'compile_output',
  'exit_code',
  'exit_signal',
  'message',
  'wall_time',
  'compiler_options',
  'command_line_arguments',
  'redirect_stderr_to_stdout',
  'callback_url',
  'additional_files',
  'enable_network',
  'status',
  'language',
] as const;
export type Field = (typeof FIELDS)[number];
export type Submission = Record<Field, unknown>;

export const DEFAULT_FIELDS: readonly Field[] = [
  'token',
  'time',
  'memory',
  'stdout',
  'stderr',
  'compile_output',
  'message',
  'status',
];
/** Text fields, Base64-encoded with base64_encoded=true. */
const TEXT: ReadonlySet<Field> = new Set<Field>([
  'source_code',
  'stdin',
  'expected_output',
  'stdout',
  'stderr',
  'compile_output',
  'message',
]);

/** `fields=a,b` or `*` → the fields, or the unknown ones (Judge0: 400 "invalid fields: [x, y]"). */
export function parseFields(param: string | undefined): { fields: readonly Field[] } | { invalid: string[] } {
  const asked = (param ?? '').split(',').filter(Boolean);
  const invalid = asked.filter((f) => f !== '*' && !(FIELDS as readonly string[]).includes(f));
  if (invalid.length) return { invalid };
  if (asked.includes('*')) return { fields: FIELDS };
  return { fields: asked.length ? (asked as Field[]) : DEFAULT_FIELDS };
}

/** The requested fields of a submission; text Base64-encoded as Judge0 does it when asked. */
export function present(s: Submission, fields: readonly Field[], base64: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = base64 && TEXT.has(f) ? encode64(s[f] as string | null) : s[f];
  return out;
}

export interface RunDetail {
  /** What the mapper reads of a run's view (the workflow builds this much for a callback). */
  view: Pick<RunView, 'run_id' | 'status' | 'language' | 'reason' | 'created_at' | 'finished_at'>;
  input: RunInput | null;
  /** The launcher's result, judged against the expected outputs; null while open or when it was lost. */
  result: JudgeResult | null;
}

/** The settings a run shows: those it was submitted with through Judge0, else its own limits in Judge0's units. */
function settingsOf(input: RunInput | null, language: string | null, idOf: (language: string) => number | null) {
  if (input?.client === 'judge0' && input.clientSettings) return input.clientSettings;
  const l = input ? runLimits(input) : {};
  const sec = (ms: number | undefined) => (ms === undefined ? null : ms / 1000);
  return {
    language_id: language ? idOf(language) : null,
    number_of_runs: 1,
    cpu_time_limit: sec(l.cpu_time_ms),
    cpu_extra_time: 0,
    wall_time_limit: sec(l.wall_time_ms),
    memory_limit: l.memory_mb === undefined ? null : l.memory_mb * 1024,
    stack_limit: null,
    max_processes_and_or_threads: l.max_processes ?? null,
    enable_per_process_and_thread_time_limit: false,
    enable_per_process_and_thread_memory_limit: false,
    max_file_size: l.file_size_kb ?? null,
    redirect_stderr_to_stdout: false,
    enable_network: false,
    command_line_arguments: input?.args?.length ? input.args.join(' ') : null,
  };
}

const orNull = (s: string | undefined | null) => (s ? s : null);
const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
/** Linux's signal numbers (the sandbox's, whatever the host of this code runs). */
const SIGNALS = ['HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE']
  .concat(['ALRM', 'TERM', 'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ'])
  .concat(['VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS']);
const signalNumber = (name: string | null) => {
  const i = name ? SIGNALS.indexOf(name.replace(/^SIG/, '')) : -1;
  return i < 0 ? null : i + 1;
};

/** What the program did: Judge0 stops at the first run not Accepted, and averages time and memory. */
function outcome(result: JudgeResult | null) {
  const compile = result?.compile ?? null;
  let compileOutput = compile ? orNull(compile.stdout + compile.stderr) : null;
  if (!result) return null;
  if (compile && compile.status !== 'Success') {
    if (compile.status === 'TimeLimitExceeded') compileOutput = 'Compilation time limit exceeded.';
    const verdict = result.verdict === 'InternalError' ? 'InternalError' : 'CompilationError';
    return { status: statusOfVerdict(verdict, null), compileOutput, message: null, last: null, runs: [] };
  }
  const stop = result.tests.findIndex((t) => t.verdict !== 'Accepted');
  const runs = stop < 0 ? result.tests : result.tests.slice(0, stop + 1);
  const last: TestResult | undefined = runs.at(-1);
  if (!last) return { status: statusOfVerdict(result.verdict, null), compileOutput, message: null, last: null, runs };
  let message = orNull(last.message);
  if (last.verdict === 'MemoryLimitExceeded' && !/memory/i.test(message ?? ''))
    message = `memory limit exceeded${message ? `: ${message}` : ''}`;
  const status = statusOfVerdict(last.verdict, last.signal);
  return { status, compileOutput, message: status.id === 3 ? null : message, last, runs };
}

/**
 * A run as Judge0 shows a submission: every field. `names` gives a Judge0 language id its name; `idOf` our
 * language its Judge0 id (for runs not submitted through Judge0).
 */
export function toSubmission(
  { view, input, result }: RunDetail,
  names: (id: number) => string | null,
  idOf: (language: string) => number | null = () => null,
): Submission {
  const settings = settingsOf(input, input?.language ?? view.language, idOf);
  const redirect = settings.redirect_stderr_to_stdout === true;
  const done = isTerminal(view.status) ? outcome(result) : null;
  const last = done?.last ?? null;
  let status: Judge0Status = done?.status ?? statusOfRun(view.status);
  let message = done ? done.message : null;
  if (!done && isTerminal(view.status)) message = view.reason ?? view.status;
  if (view.status === 'Cancelled') [status, message] = [statusOfRun('Cancelled'), `cancelled: ${view.reason ?? ''}`];
  const runs = done?.runs ?? [];
  const languageId = typeof settings.language_id === 'number' ? settings.language_id : null;
  return {
    // A multi-file program has no source_code in Judge0 (its `run` is our code).
    source_code: languageId === MULTI_FILE_PROGRAM ? null : (input?.code ?? null),
    language_id: languageId,
    stdin: orNull(input?.stdin),
    expected_output: input?.tests?.[0]?.expected_output ?? null,
    stdout: last ? orNull(redirect ? last.output : last.stdout) : null,
    status_id: status.id,
    created_at: view.created_at,
    finished_at: isTerminal(view.status) ? view.finished_at : null,
    time: last ? decimal(average(runs.map((t) => t.cpu_time_ms)) / 1000) : null,
    memory: last ? Math.trunc(average(runs.map((t) => t.memory_kb))) : null,
    stderr: last && !redirect ? orNull(last.stderr) : null,
    token: view.run_id,
    number_of_runs: settings.number_of_runs,
    cpu_time_limit: decimal(settings.cpu_time_limit as number | null),
    cpu_extra_time: decimal(settings.cpu_extra_time as number | null),
    wall_time_limit: decimal(settings.wall_time_limit as number | null),
    memory_limit: settings.memory_limit,
    stack_limit: settings.stack_limit,
    max_processes_and_or_threads: settings.max_processes_and_or_threads,
    enable_per_process_and_thread_time_limit: settings.enable_per_process_and_thread_time_limit,
    enable_per_process_and_thread_memory_limit: settings.enable_per_process_and_thread_memory_limit,
    max_file_size: settings.max_file_size,
    compile_output: done?.compileOutput ?? null,
    // isolate reports no exit code for a killed program, and Judge0 then says 0.
    exit_code: last ? (last.exit_code ?? 0) : null,
    exit_signal: last ? signalNumber(last.signal) : null,
    message,
    wall_time: last ? decimal(average(runs.map((t) => t.wall_time_ms)) / 1000) : null,
    compiler_options: null,
    command_line_arguments: settings.command_line_arguments,
    redirect_stderr_to_stdout: redirect,
    callback_url: input?.callbackUrl ?? null,
    additional_files: null,
    enable_network: settings.enable_network,
    status: { id: status.id, description: status.description },
    language: languageId === null ? null : { id: languageId, name: names(languageId) },
  };
}

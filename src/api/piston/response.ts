import { VERDICTS, type Verdict } from '../../domain/judge.js';
import type { RunView, SingleRunView } from '../../domain/run-view.js';

/** Pure: a finished run of ours as Piston's execute answer (docs/api-v2.md, api/src/job.js). */

/** Piston's stage status: isolate's RE, SG, TO, XX and Piston's own OL, EL; null when the stage went well. */
export type PistonStatus = 'RE' | 'SG' | 'TO' | 'OL' | 'EL' | 'XX';

export interface PistonStage {
  stdout: string;
  stderr: string;
  /** Both streams as the program wrote them. */
  output: string;
  code: number | null;
  signal: string | null;
  message: string | null;
  status: PistonStatus | null;
  /** Milliseconds. */
  cpu_time: number | null;
  wall_time: number | null;
  /** Bytes. */
  memory: number | null;
}

export interface PistonResult {
  language: string;
  version: string;
  run: PistonStage;
  compile?: PistonStage;
}

/**
 * Our verdict as Piston's status. The launcher counts stdout and stderr together against one output
 * limit, so an output flood is OL (never EL); a memory limit is the kernel's SIGKILL, which Piston (isolate
 * with a cgroup memory limit) reports as SG.
 */
export function pistonStatus(verdict: Verdict | 'Success', signal: string | null): PistonStatus | null {
  switch (verdict) {
    case 'Success':
    case 'Accepted':
      return null;
    case 'TimeLimitExceeded':
      return 'TO';
    case 'OutputLimitExceeded':
      return 'OL';
    case 'MemoryLimitExceeded':
      return 'SG';
    case 'InternalError':
      return 'XX';
    default:
      return signal ? 'SG' : 'RE';
  }
}

/** Piston reports a stage it stopped (TO, OL, EL) as killed by SIGKILL. */
const signalOf = (status: PistonStatus | null, signal: string | null) =>
  signal ?? (status === 'TO' || status === 'OL' || status === 'SG' ? 'SIGKILL' : null);

/** The launcher's message for a run without tests names it "test 1"; Piston's has no tests. */
const messageOf = (status: PistonStatus | null, message: string | null | undefined) =>
  status === null ? null : (message ?? '').replace(/^test 1: /, '') || null;

/** The compile step's status names a verdict (or Success); anything else is the launcher failing. */
const verdictOf = (s: string): Verdict => VERDICTS.find((v) => v === s) ?? 'InternalError';

const bytes = (kb: number | undefined | null) => (typeof kb === 'number' ? kb * 1024 : null);

/**
 * The answer for a finished run, or null when the launcher gave no result (the run was cancelled, or its
 * pod failed before a verdict): Piston then answers 500. `output` is the run's interleaved output. When
 * compiling fails there is no run: `run` is a copy of `compile`, as Piston does.
 */
export function pistonResult(
  view: RunView & SingleRunView,
  output: string,
  runtime: { language: string; version: string },
): PistonResult | null {
  if (!view.verdict) return null;
  const c = view.compile;
  const compile = c ? compileStage(c, view.message) : undefined;
  if (c && c.status !== 'Success' && compile) return { ...runtime, run: { ...compile }, compile };
  const status = pistonStatus(view.verdict, view.signal ?? null);
  const run: PistonStage = {
    stdout: view.stdout ?? '',
    stderr: view.stderr ?? '',
    output,
    code: view.exit_code,
    signal: signalOf(status, view.signal ?? null),
    message: messageOf(status, view.message),
    status,
    cpu_time: view.cpu_time_ms ?? null,
    wall_time: view.wall_time_ms ?? null,
    memory: bytes(view.memory_kb),
  };
  return { ...runtime, run, ...(compile ? { compile } : {}) };
}

function compileStage(c: NonNullable<RunView['compile']>, message: string | null | undefined): PistonStage {
  const status = pistonStatus(c.status === 'Success' ? 'Success' : verdictOf(c.status), c.signal);
  return {
    stdout: c.stdout,
    stderr: c.stderr,
    // The launcher keeps no interleaved output of the compiler: its stdout, then its stderr.
    output: c.stdout + c.stderr,
    code: c.exit_code,
    signal: signalOf(status, c.signal),
    message: messageOf(status, message),
    status,
    cpu_time: c.cpu_time_ms,
    wall_time: c.time_ms,
    memory: bytes(c.memory_kb),
  };
}

import type { LauncherSpec } from './judge.js';
import type { RunInput, StageLimits } from './run.js';

/** Pure: the launcher's spec for a run, and the time its sandbox needs. */

/** The launcher's spec beside the input's files: no submitted file may take this name. */
export const SPEC_FILE = '.spec.json';
export const WORKDIR = '/workspace';
export const SCRATCH = '/tmp';

/** The launcher's own defaults (launcher/README.md), for the arithmetic of deadlines and memory. */
export const LAUNCHER_DEFAULTS = {
  compile: { wall_time_ms: 20_000, memory_mb: 1024 },
  run: { wall_time_ms: 5_000, memory_mb: 256 },
} as const;

export function launcherSpec(input: RunInput): LauncherSpec {
  const compile = input.sandbox.compile;
  return {
    compile: compile ? { command: compile, limits: input.sandbox.compileLimits ?? {} } : null,
    run: { command: input.sandbox.command, args: input.args ?? [] },
    workdir: WORKDIR,
    scratch: SCRATCH,
    // The expected outputs never enter the sandbox: the worker judges the output (judge-compare.ts).
    tests: (input.tests ?? []).map((t) => ({ stdin: t.stdin, expected_output: null })),
    stdin: input.stdin,
    compare: input.compare ?? { mode: 'exact' },
    limits: runLimits(input),
    stop_on_first_failure: false,
  };
}

/**
 * The run stage's limits: the request's, over the language's and the operator's defaults; a run without
 * time limits keeps the old meaning of timeout_seconds: wall and CPU time of the run.
 */
export function runLimits(input: RunInput): StageLimits {
  const ms = input.timeoutSeconds * 1000;
  return { wall_time_ms: ms, cpu_time_ms: ms, ...input.sandbox.runLimits, ...input.limits };
}

/** Seconds the launcher may need in all: the compile step, then every test at its wall limit, plus slack. */
export function launcherSeconds(input: RunInput): number {
  const compileMs = input.sandbox.compile
    ? (input.sandbox.compileLimits?.wall_time_ms ?? LAUNCHER_DEFAULTS.compile.wall_time_ms)
    : 0;
  const runMs = runLimits(input).wall_time_ms ?? LAUNCHER_DEFAULTS.run.wall_time_ms;
  const runs = Math.max(1, input.tests?.length ?? 0);
  const attach = input.interactive ? ATTACH_SECONDS : 0;
  return Math.ceil((compileMs + runs * runMs) / 1000) + attach + LAUNCHER_SLACK_SECONDS;
}

/** How long an interactive launch waits for its client to attach (the launcher's -attach-timeout). */
export const ATTACH_SECONDS = 20;

/** The launcher's own start, kills and result encoding. */
const LAUNCHER_SLACK_SECONDS = 3;

/** Memory the sandbox's cgroup must allow: the larger stage, plus the launcher and the workdir. */
export function sandboxMemoryMb(input: RunInput): number {
  const run = runLimits(input).memory_mb ?? LAUNCHER_DEFAULTS.run.memory_mb;
  const compile = input.sandbox.compile
    ? (input.sandbox.compileLimits?.memory_mb ?? LAUNCHER_DEFAULTS.compile.memory_mb)
    : 0;
  return Math.max(run, compile) + 64;
}

/** Bytes of a run's input as it travels in its ConfigMap: code, stdin, files and tests. */
export function inputBytes(input: Pick<RunInput, 'code' | 'stdin' | 'files' | 'tests'>): number {
  const b = (s: string) => Buffer.byteLength(s);
  const files = (input.files ?? []).reduce((n, f) => n + b(f.name) + b(f.content), 0);
  const tests = (input.tests ?? []).reduce((n, t) => n + b(t.stdin) + b(t.expected_output ?? ''), 0);
  return b(input.code) + b(input.stdin) + files + tests;
}

/** The nonce that frames the launcher's result in the log (runs started before it existed: the run id). */
export const resultNonce = (input: Pick<RunInput, 'resultNonce' | 'runId'>): string => input.resultNonce ?? input.runId;

import type { StageLimits } from './run.js';

/** The judge-grade parts of a run: what the launcher is told (its spec) and what it reports (its result). */

export const VERDICTS = [
  'Accepted',
  'WrongAnswer',
  'CompilationError',
  'TimeLimitExceeded',
  'MemoryLimitExceeded',
  'OutputLimitExceeded',
  'RuntimeError',
  'InternalError',
] as const;
export type Verdict = (typeof VERDICTS)[number];

export const COMPARE_MODES = ['exact', 'trim_trailing', 'tokens', 'float'] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];
export interface Compare {
  mode: CompareMode;
  abs_tol?: number;
  rel_tol?: number;
}

/** Files a run may carry beside its code (Judge0's additional_files zip may hold as many entries). */
export const MAX_RUN_FILES = 100;

/** A file of the submission, put in the workdir beside the code. */
export interface RunFile {
  name: string;
  content: string;
  encoding: 'utf8' | 'base64';
}

export interface TestCase {
  stdin: string;
  /** null: judged by exit status and limits only. */
  expected_output: string | null;
}

/** Every limit of one stage, resolved (the API fills them in from request, language and operator). */
export type ResolvedLimits = Required<StageLimits>;

/** The launcher's spec (launcher/README.md), written into the run's ConfigMap as `.spec.json`. */
export interface LauncherSpec {
  compile: { command: string[]; limits: StageLimits } | null;
  run: { command: string[]; args: string[] };
  workdir: string;
  scratch: string;
  tests: TestCase[];
  stdin: string;
  compare: Compare;
  limits: StageLimits;
  stop_on_first_failure: boolean;
}

/** One stage's streams and measurements, as the launcher reports them. */
interface Streams {
  stdout: string;
  stderr: string;
  stdout_truncated: boolean;
  stderr_truncated: boolean;
  exit_code: number | null;
  signal: string | null;
  message?: string;
}

export interface CompileResult extends Streams {
  status: 'Success' | Verdict;
  time_ms: number;
  cpu_time_ms: number;
  memory_kb: number;
}

export interface TestResult extends Streams {
  verdict: Verdict;
  output: string;
  output_truncated: boolean;
  cpu_time_ms: number;
  wall_time_ms: number;
  memory_kb: number;
}

/** The launcher's result (launcher/README.md, "Result"). */
export interface JudgeResult {
  verdict: Verdict;
  message?: string;
  compile: CompileResult | null;
  tests: TestResult[];
  cgroup: {
    version: number;
    memory_peak_kb: number | null;
    memory_limit_kb: number | null;
    oom_kills: number | null;
  } | null;
  truncated: boolean;
}

/** What the termination message carries: enough to check the full result found in the log. */
export interface JudgeSummary {
  verdict: Verdict;
  bytes: number;
  sha256: string;
}

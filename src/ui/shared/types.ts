/** The API's JSON shapes as the browser sees them (test/ui checks they match the server's types). */

// The statuses are the server's own list (src/domain/run.ts is pure data, safe to bundle).
export { RUN_STATUSES, type RunStatus } from '../../domain/run.js';

// A run and a page of runs are the server's own types (src/domain/run-view.ts), not a copy. A finished run
// without tests carries its one run's streams and measurements at the top level (SingleRunView).
export type { RunPage, JudgeView, SingleRunView, RunInputView } from '../../domain/run-view.js';
import type { RunView, SingleRunView } from '../../domain/run-view.js';
export type Run = RunView & SingleRunView;
// The judge's vocabulary is the server's too (src/domain/judge.ts is pure data as well).
export {
  VERDICTS,
  COMPARE_MODES,
  type Verdict,
  type CompareMode,
  type Compare,
  type RunFile,
  type TestCase,
} from '../../domain/judge.js';
export type { StageLimits } from '../../domain/run.js';
import type { Compare, RunFile, TestCase } from '../../domain/judge.js';
import type { RunStatus, StageLimits } from '../../domain/run.js';

export interface RunLogs {
  run_id: string;
  logs: string;
  truncated: boolean;
  status: RunStatus;
  live: boolean;
}

/** A language of `GET /languages`: the server's own type (src/domain/run-view.ts). */
export type { LanguageView as Language } from '../../domain/run-view.js';
import type { LanguageView as Language } from '../../domain/run-view.js';

/** The operator's maxima for a run's limits (what `limits` in a submission may ask for at most). */
export type RunLimitMaxima = Required<StageLimits>;

export interface Limits {
  default_timeout_seconds: number;
  max_timeout_seconds: number;
  max_code_bytes: number;
  max_stdin_bytes: number;
  cpu_limit: string;
  memory_limit: string;
  log_limit_bytes: number;
  max_tests: number;
  /** Code, stdin, files and tests together. */
  max_input_bytes: number;
  run: RunLimitMaxima;
}

export interface LanguagesResponse {
  languages: Language[];
  limits: Limits;
  temporal_ui_url: string;
}

export interface SubmitBody {
  language: string;
  code: string;
  timeout_seconds?: number;
  stdin?: string;
  files?: RunFile[];
  args?: string[];
  tests?: TestCase[];
  compare?: Compare;
  limits?: StageLimits;
}

export interface WorkerPod {
  name: string;
  phase: string;
  node_name: string | null;
}

export interface SystemStatus {
  queue_name: string;
  queue_depth: number;
  queue: { workflow_backlog: number; activity_backlog: number; workflow_pollers: number; activity_pollers: number };
  queued_runs: number;
  queued_run_ids: string[];
  active_runs: number;
  worker_replicas?: number | null;
  worker_ready_replicas?: number | null;
  worker_pods?: (WorkerPod | string)[];
  runner_namespace?: string;
  runner_jobs: { name: string; run_id: string | null; active: number; succeeded: number; failed: number }[];
  runner_pods: { name: string; run_id: string | null; phase: string; node_name: string | null }[];
  node_runs: Record<string, number>;
  kubernetes: { ok: boolean; source?: string; error?: string };
}

export interface FieldProblem {
  field: string;
  message: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

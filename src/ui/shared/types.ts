/** The API's JSON shapes as the browser sees them (test/ui checks they match the server's types). */

// The statuses are the server's own list (src/domain/run.ts is pure data, safe to bundle).
export { RUN_STATUSES, type RunStatus } from '../../domain/run.js';
import type { RunStatus } from '../../domain/run.js';

// A run and a page of runs are the server's own types (src/domain/run-view.ts), not a copy.
export type { RunView as Run, RunPage } from '../../domain/run-view.js';

export interface RunLogs {
  run_id: string;
  logs: string;
  truncated: boolean;
  status: RunStatus;
  live: boolean;
}

export interface Language {
  id: string;
  name: string;
  image: string;
  file_name: string;
  editor_mode: string | null;
}

export interface Limits {
  default_timeout_seconds: number;
  max_timeout_seconds: number;
  max_code_bytes: number;
  max_stdin_bytes: number;
  cpu_limit: string;
  memory_limit: string;
  log_limit_bytes: number;
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

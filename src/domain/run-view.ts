import type { RunStatus } from './run.js';

/** The public shape of a run: Mini Code Runner's fields, plus what our users expect beyond them. */
export interface RunView {
  run_id: string;
  status: RunStatus;
  language: string | null;
  job_name: string;
  pod_name: string | null;
  node_name: string | null;
  reason: string | null;
  exit_code: number | null;
  created_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  timeout_seconds: number | null;
  logs_truncated: boolean | null;
  cancel_requested: boolean;
  /** When each status was reached (empty when only the search attributes are known). */
  status_history: { status: RunStatus; at: string }[];
  temporal_ui_url: string;
}

/** A page of `GET /runs`. */
export interface RunPage {
  runs: RunView[];
  next_cursor: string | null;
}

import type { Compare, JudgeResult, RunFile, TestCase, Verdict } from './judge.js';
import type { RunClient, RunResult, RunStatus, StageLimits } from './run.js';

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
  /** While Running: the launcher's current step (compile, run, test i/n) as of the workflow's last poll. */
  stage?: string | null;
  /** The API the run was submitted through (absent in list entries). */
  client?: RunClient;
  /** The launcher's verdict and measurements, once the run finished (see JudgeView). */
  verdict?: Verdict | null;
  message?: string | null;
  compile?: JudgeView['compile'];
  tests?: JudgeView['tests'];
}

/** `GET /runs/{run_id}/input`: what was submitted (the UI's "Reproduce"). */
export interface RunInputView {
  run_id: string;
  language: string;
  code: string;
  stdin: string;
  timeout_seconds: number;
  files: RunFile[];
  args: string[];
  tests: TestCase[];
  compare: Compare;
  limits: StageLimits;
  client: RunClient;
  /** The tenant whose key submitted it (`default` without keys). */
  tenant: string;
}

/** A page of `GET /runs`. */
export interface RunPage {
  runs: RunView[];
  next_cursor: string | null;
}

/** A stage's streams and measurements as a client sees them. */
export interface StageView {
  stdout: string;
  stderr: string;
  stdout_truncated: boolean;
  stderr_truncated: boolean;
  exit_code: number | null;
  signal: string | null;
}

/** The judge's part of a finished run (absent while it runs, and for runs from before the launcher). */
export interface JudgeView {
  verdict: Verdict | null;
  message: string | null;
  compile: (StageView & { status: string; time_ms: number; cpu_time_ms: number; memory_kb: number }) | null;
  /** One per test; empty for a run without tests, whose one run's fields are at the top level instead. */
  tests: (StageView & {
    verdict: Verdict;
    message: string | null;
    cpu_time_ms: number;
    wall_time_ms: number;
    memory_kb: number;
  })[];
}

/** A run without tests: its one run's streams and measurements beside the view. */
export type SingleRunView = Partial<StageView & { cpu_time_ms: number; wall_time_ms: number; memory_kb: number }>;

/** A language as `GET /languages` shows it. */
export interface LanguageView {
  id: string;
  name: string;
  version: string | null;
  version_detail: string | null;
  /** false while its image has not landed on the cluster yet (null: no catalog, so not known); the UI shares this type. */
  available: boolean | null;
  compiled: boolean;
  aliases: string[];
  image: string;
  file_name: string;
  editor_mode: string | null;
}

/** What the workflow's result adds once the run finished. */
export function fromResult(r: RunResult): Partial<RunView> {
  return {
    status: r.status,
    language: r.language,
    pod_name: r.podName,
    node_name: r.nodeName,
    reason: r.reason,
    exit_code: r.exitCode,
    created_at: r.createdAt,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    logs_truncated: r.outputTruncated,
    status_history: r.history ?? [],
  };
}

/** What the launcher's result adds once the run finished: the verdict, the compile step, every test. */
export function fromJudge(r: JudgeResult, hasTests: boolean): Partial<RunView> & SingleRunView {
  const streams = (s: JudgeResult['tests'][number] | NonNullable<JudgeResult['compile']>) => ({
    stdout: s.stdout,
    stderr: s.stderr,
    stdout_truncated: s.stdout_truncated,
    stderr_truncated: s.stderr_truncated,
    exit_code: s.exit_code,
    signal: s.signal,
  });
  const tests = r.tests.map((t) => ({
    verdict: t.verdict,
    message: t.message || null,
    ...streams(t),
    cpu_time_ms: t.cpu_time_ms,
    wall_time_ms: t.wall_time_ms,
    memory_kb: t.memory_kb,
  }));
  const c = r.compile;
  const view = {
    verdict: r.verdict,
    message: r.message || null,
    compile: c
      ? { status: c.status, ...streams(c), time_ms: c.time_ms, cpu_time_ms: c.cpu_time_ms, memory_kb: c.memory_kb }
      : null,
    tests: hasTests ? tests : [],
  };
  const only = r.tests[0];
  if (hasTests || !only) return view;
  // A run without tests: its one run's streams and measurements at the top level.
  return {
    ...view,
    ...streams(only),
    cpu_time_ms: only.cpu_time_ms,
    wall_time_ms: only.wall_time_ms,
    memory_kb: only.memory_kb,
  };
}

import { z } from 'zod';
import { RUN_CLIENTS, RUN_STATUSES } from '../domain/run.js';
import { COMPARE_MODES, VERDICTS } from '../domain/judge.js';
import type { LanguageView, RunInputView, RunPage, RunView, SingleRunView } from '../domain/run-view.js';
import type { RunsService } from './runs-service.js';
import type { SystemService } from './system-service.js';

/**
 * The native API's responses as zod schemas: the OpenAPI document's response schemas come from here, and
 * the checks at the end of the file make the build fail when they and the types the services return drift.
 */

const status = z.enum(RUN_STATUSES);
const verdict = z.enum(VERDICTS);
const time = z.string().meta({ format: 'date-time' });
const int = z.number().int();

const streams = {
  stdout: z.string(),
  stderr: z.string(),
  stdout_truncated: z.boolean(),
  stderr_truncated: z.boolean(),
  exit_code: int.nullable(),
  signal: z.string().nullable(),
};
const measured = { cpu_time_ms: int, wall_time_ms: int, memory_kb: int };

export const runView = z
  .object({
    run_id: z.string(),
    status,
    language: z.string().nullable(),
    job_name: z.string(),
    pod_name: z.string().nullable(),
    node_name: z.string().nullable(),
    reason: z.string().nullable().describe('why the run ended as it did, in words'),
    exit_code: int.nullable(),
    created_at: time.nullable(),
    started_at: time.nullable(),
    finished_at: time.nullable(),
    timeout_seconds: int.nullable(),
    logs_truncated: z.boolean().nullable(),
    cancel_requested: z.boolean(),
    status_history: z.array(z.object({ status, at: time })),
    temporal_ui_url: z.string(),
    stage: z.string().nullable().optional().describe("while Running: the launcher's current step"),
    client: z.enum(RUN_CLIENTS).optional().describe('the API the run was submitted through (absent in lists)'),
    verdict: verdict.nullable().optional(),
    message: z.string().nullable().optional(),
    compile: z
      .object({ status: z.string(), ...streams, time_ms: int, cpu_time_ms: int, memory_kb: int })
      .nullable()
      .optional(),
    tests: z.array(z.object({ verdict, message: z.string().nullable(), ...streams, ...measured })).optional(),
    // A finished run without tests: its one run's streams and measurements at the top level.
    stdout: z.string().optional(),
    stderr: z.string().optional(),
    stdout_truncated: z.boolean().optional(),
    stderr_truncated: z.boolean().optional(),
    signal: z.string().nullable().optional(),
    cpu_time_ms: int.optional(),
    wall_time_ms: int.optional(),
    memory_kb: int.optional(),
  })
  .meta({
    id: 'Run',
    description: 'A run: status, reason, exit code, pod, node, timestamps, verdict and output once finished.',
  });

/** A submission answered after waiting (`?wait`, `/runs/sync`): the view, its output, and whether it finished. */
export const syncRunView = runView
  .extend({
    logs: z.string().nullable().describe('stdout and stderr once finished (null while it runs)'),
    done: z.boolean().describe('false: the wait ran out first; poll GET /runs/{run_id}'),
  })
  .meta({ id: 'SyncRun' });

export const runPage = z
  .object({
    runs: z.array(runView),
    next_cursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last'),
  })
  .meta({ id: 'RunPage' });

export const runLogs = z
  .object({
    run_id: z.string(),
    logs: z.string(),
    truncated: z.boolean(),
    status,
    live: z.boolean().describe("true: read from the running pod; false: the finished run's recorded output"),
  })
  .meta({ id: 'RunLogs' });

const stageLimits = z.object({
  cpu_time_ms: int.optional(),
  wall_time_ms: int.optional(),
  memory_mb: int.optional(),
  max_processes: int.optional(),
  output_kb: int.optional(),
  file_size_kb: int.optional(),
});

export const runInputView = z
  .object({
    run_id: z.string(),
    language: z.string(),
    code: z.string(),
    stdin: z.string(),
    timeout_seconds: int,
    files: z.array(z.object({ name: z.string(), content: z.string(), encoding: z.enum(['utf8', 'base64']) })),
    args: z.array(z.string()),
    tests: z.array(z.object({ stdin: z.string(), expected_output: z.string().nullable() })),
    compare: z.object({ mode: z.enum(COMPARE_MODES), abs_tol: z.number().optional(), rel_tol: z.number().optional() }),
    limits: stageLimits,
    client: z.enum(RUN_CLIENTS),
    tenant: z.string().describe("the tenant whose API key submitted the run ('default' without keys)"),
  })
  .meta({ id: 'RunInput' });

export const languageView = z
  .object({
    id: z.string(),
    name: z.string(),
    version: z.string().nullable(),
    version_detail: z.string().nullable(),
    available: z.boolean().nullable().describe('false while its image has not landed on the cluster (null: unknown)'),
    compiled: z.boolean(),
    aliases: z.array(z.string()),
    image: z.string(),
    file_name: z.string(),
    editor_mode: z.string().nullable(),
  })
  .meta({ id: 'Language' });

export const languagesResponse = z
  .object({
    languages: z.array(languageView),
    limits: z.object({
      default_timeout_seconds: int,
      max_timeout_seconds: int,
      max_code_bytes: int,
      max_stdin_bytes: int,
      cpu_limit: z.string(),
      memory_limit: z.string(),
      log_limit_bytes: int,
      max_tests: int,
      max_input_bytes: int,
      run: stageLimits.required(),
    }),
    temporal_ui_url: z.string(),
  })
  .meta({ id: 'Languages' });

export const queueSummary = z
  .object({
    queue_depth: int.describe('runs accepted and waiting for a slot (Queued)'),
    queued_run_ids: z.array(z.string()).describe('oldest first, at most 100; empty unless the key has the admin scope'),
    active_runs: int,
    max_active_runs: int.nullable(),
    admitted_runs: int.nullable(),
    open_runs: int.describe("queued + active: what KEDA's metrics-api trigger reads"),
  })
  .meta({ id: 'QueueSummary' });

const namedPod = { name: z.string(), phase: z.string(), node_name: z.string().nullable() };
export const systemStatus = queueSummary
  .extend({
    queue_name: z.string(),
    queue: z.object({ workflow_backlog: int, activity_backlog: int, workflow_pollers: int, activity_pollers: int }),
    queued_runs: int,
    worker_replicas: int.nullable().optional(),
    worker_ready_replicas: int.nullable().optional(),
    worker_pods: z.array(z.object(namedPod)).optional(),
    runner_namespace: z.string().optional(),
    runner_jobs: z.array(
      z.object({ name: z.string(), run_id: z.string().nullable(), active: int, succeeded: int, failed: int }),
    ),
    runner_pods: z.array(z.object({ ...namedPod, run_id: z.string().nullable() })),
    node_runs: z.record(z.string(), int),
    kubernetes: z.object({ ok: z.boolean(), source: z.string().optional(), error: z.string().optional() }),
  })
  .meta({ id: 'SystemStatus' });

export const health = z.object({ status: z.literal('ok') });
export const ready = z.object({ status: z.literal('ready') });

/** Every error the API answers: a stable code, a human message, and details (field problems for 400s). */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().describe('stable and machine-readable, e.g. invalid_request, run_not_found'),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

// ---- compile-time checks: each schema's output is the type the API actually sends ----

/** true when A and B have the same keys and each is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? ([keyof A] extends [keyof B] ? true : false) : false) : false;
type Out<S extends z.ZodType> = z.output<S>;

true satisfies Same<Out<typeof runView>, RunView & SingleRunView>;
true satisfies Same<Out<typeof runPage>, RunPage>;
true satisfies Same<Out<typeof languageView>, LanguageView>;
true satisfies Same<Out<typeof runInputView>, RunInputView>;
true satisfies Same<Out<typeof runLogs>, Awaited<ReturnType<RunsService['logs']>>>;
true satisfies Same<Out<typeof queueSummary>, Awaited<ReturnType<SystemService['queueSummary']>>>;
// The status is one of three shapes (Kubernetes or Temporal unreachable): each must fit the schema.
type Fits<A, B> = [A] extends [B] ? true : false;
true satisfies Fits<Awaited<ReturnType<SystemService['status']>>, Out<typeof systemStatus>>;

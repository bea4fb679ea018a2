import { createHash, randomUUID } from 'node:crypto';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import { enums, type temporal } from '../temporal/proto.js';
import type { Config } from '../config/config.js';
import { HttpError } from './http-error.js';
import type { LanguageSpec, RunInput, RunLogs, RunResult, RunState, RunStatus } from '../domain/run.js';
import { isTerminal } from '../domain/run.js';
import { objectName } from '../domain/names.js';
import {
  RUN_WORKFLOW_TYPE,
  SA_LANGUAGE,
  SA_NODE,
  SA_POD,
  SA_STATUS,
  cancelSignal,
  stateQuery,
} from '../workflows/definitions.js';
import type { RunWorkflowArgs } from '../workflows/run.js';
import { CursorCodec } from './cursor.js';
import { grpcCode, translateTemporalError } from './errors.js';
import { bounded } from '../temporal/deadline.js';
import type { CreateRunBody, ListRunsQuery } from './schemas.js';
import { resolveLanguage, runInput } from './languages.js';
import type { LiveLogs } from './live-logs.js';

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

interface Memo {
  timeout_seconds?: number;
  request_hash?: string;
}

const QUERY_DEADLINE_MS = 2000;

export class RunsService {
  private readonly cursors: CursorCodec;

  constructor(
    private readonly client: Client,
    private readonly cfg: Config,
    private readonly liveLogs?: LiveLogs,
  ) {
    this.cursors = new CursorCodec(cfg.http.cursorSecret);
  }

  temporalUiUrl(runId: string): string {
    return `${this.cfg.temporal.uiUrl}/namespaces/${encodeURIComponent(this.cfg.temporal.namespace)}/workflows/${encodeURIComponent(runId)}`;
  }

  /** Starts a run. With an idempotency key the same key always names the same run, never a second one. */
  async start(body: CreateRunBody, idempotencyKey?: string): Promise<{ view: RunView; created: boolean }> {
    const lang: LanguageSpec = resolveLanguage(this.cfg.languages, body.language);
    this.checkSizes(body);
    const requestHash = hashRequest({ ...body, language: lang.id });
    const runId = idempotencyKey ? idempotentRunId(idempotencyKey) : randomUUID();
    if (idempotencyKey) {
      const existing = await this.describeOrNull(runId);
      if (existing) return { view: await this.sameRequestOrConflict(existing, runId, requestHash), created: false };
    }
    const input = runInput(lang, { runId, code: body.code, stdin: body.stdin, timeoutSeconds: body.timeout_seconds });
    const args: RunWorkflowArgs = {
      input,
      policy: {
        poll: { initialMs: this.cfg.poll.initialMs, maxMs: this.cfg.poll.maxMs, factor: this.cfg.poll.factor },
        startTimeoutSeconds: this.cfg.runner.startTimeoutSeconds,
      },
    };
    try {
      await bounded(this.client, () =>
        this.client.workflow.start(RUN_WORKFLOW_TYPE, {
          workflowId: runId,
          taskQueue: this.cfg.temporal.taskQueue,
          args: [args],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: idempotencyKey ? 'USE_EXISTING' : 'FAIL',
          typedSearchAttributes: [
            { key: SA_STATUS, value: 'Queued' },
            { key: SA_LANGUAGE, value: lang.id },
          ],
          memo: { timeout_seconds: body.timeout_seconds, request_hash: requestHash } satisfies Memo,
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError && idempotencyKey) {
        const existing = await this.describeOrNull(runId);
        if (existing) return { view: await this.sameRequestOrConflict(existing, runId, requestHash), created: false };
      }
      translateTemporalError(err, runId);
    }
    return { view: this.queuedView(input), created: true };
  }

  async get(runId: string): Promise<RunView> {
    const desc = await this.describe(runId);
    return this.viewOf(desc);
  }

  /** Waits (bounded) for the run to finish; returns the view either way. */
  async waitFor(runId: string, maxMs: number): Promise<{ view: RunView; done: boolean }> {
    const handle = this.client.workflow.getHandle<(a: RunWorkflowArgs) => Promise<RunResult>>(runId);
    const finished = await Promise.race([
      handle.result().then(
        () => true,
        () => true,
      ),
      sleep(maxMs).then(() => false),
    ]);
    const view = await this.get(runId);
    return { view, done: finished && isTerminal(view.status) };
  }

  async cancel(runId: string, reason?: string): Promise<RunView> {
    const desc = await this.describe(runId);
    if (desc.status.name !== 'RUNNING') {
      const view = await this.viewOf(desc);
      throw new HttpError(409, 'run_finished', `run ${runId} already finished with status ${view.status}`, {
        run_id: runId,
        status: view.status,
      });
    }
    try {
      await bounded(this.client, () =>
        this.client.workflow.getHandle(runId).signal(cancelSignal, reason ? { reason } : {}),
      );
    } catch (err) {
      translateTemporalError(err, runId);
    }
    return { ...(await this.viewOf(desc)), cancel_requested: true };
  }

  /** Output: live from the pod while it runs, from the run's history once finished. */
  async logs(
    runId: string,
  ): Promise<{ run_id: string; logs: string; truncated: boolean; status: RunStatus; live: boolean }> {
    const desc = await this.describe(runId);
    const view = await this.viewOf(desc);
    if (desc.status.name === 'RUNNING') {
      const live = view.pod_name && this.liveLogs ? await this.liveLogs.read(view.pod_name) : null;
      return {
        run_id: runId,
        logs: live?.logs ?? '',
        truncated: live?.truncated ?? false,
        status: view.status,
        live: true,
      };
    }
    const out = await this.finalOutput(runId);
    return { run_id: runId, logs: out.logs, truncated: out.truncated, status: view.status, live: false };
  }

  async list(q: ListRunsQuery): Promise<{ runs: RunView[]; next_cursor: string | null }> {
    const clauses = [`WorkflowType = '${RUN_WORKFLOW_TYPE}'`, `TaskQueue = '${this.cfg.temporal.taskQueue}'`];
    if (q.status) clauses.push(`RunStatus = '${q.status}'`);
    if (q.language) clauses.push(`RunLanguage = '${q.language}'`);
    const query = clauses.join(' AND ');
    // A cursor is checked before anything is sent: one we did not issue for this query never reaches Temporal.
    const nextPageToken = q.cursor ? this.cursors.decode(q.cursor, query) : undefined;
    try {
      const res = await bounded(this.client, () =>
        this.client.workflowService.listWorkflowExecutions({
          namespace: this.cfg.temporal.namespace,
          pageSize: q.limit,
          query,
          nextPageToken,
        }),
      );
      const runs = (res.executions ?? []).map((e) => this.viewOfListed(e));
      const token = res.nextPageToken?.length ? this.cursors.encode(res.nextPageToken, query) : null;
      return { runs, next_cursor: token };
    } catch (err) {
      // A cursor we issued that Temporal no longer accepts (its page expired, the server was reset).
      const code = grpcCode(err);
      if (nextPageToken && (code === 2 || code === 3))
        throw new HttpError(400, 'invalid_cursor', 'the cursor has expired; list again from the first page', [
          { field: 'query.cursor', message: 'start again without a cursor' },
        ]);
      translateTemporalError(err);
    }
  }

  // ---- internals ----

  private checkSizes(body: CreateRunBody): void {
    const problems = [];
    const codeBytes = Buffer.byteLength(body.code, 'utf8');
    if (codeBytes > this.cfg.limits.maxCodeBytes)
      problems.push({
        field: 'body.code',
        message: `code is ${codeBytes} bytes; the limit is ${this.cfg.limits.maxCodeBytes}`,
      });
    const stdinBytes = Buffer.byteLength(body.stdin, 'utf8');
    if (stdinBytes > this.cfg.limits.maxStdinBytes)
      problems.push({
        field: 'body.stdin',
        message: `stdin is ${stdinBytes} bytes; the limit is ${this.cfg.limits.maxStdinBytes}`,
      });
    if (problems.length > 0)
      throw new HttpError(413, 'payload_too_large', 'the submission exceeds a size limit', problems);
  }

  private async sameRequestOrConflict(
    desc: WorkflowExecutionDescription,
    runId: string,
    hash: string,
  ): Promise<RunView> {
    const memo = (desc.memo ?? {}) as Memo;
    if (memo.request_hash !== hash)
      throw new HttpError(422, 'idempotency_key_reused', 'this Idempotency-Key was used for a different request', {
        run_id: runId,
      });
    return this.viewOf(desc);
  }

  private async describe(runId: string): Promise<WorkflowExecutionDescription> {
    try {
      const desc = await bounded(this.client, () => this.client.workflow.getHandle(runId).describe());
      if (desc.type !== RUN_WORKFLOW_TYPE)
        throw new HttpError(404, 'run_not_found', `run ${runId} does not exist`, { run_id: runId });
      return desc;
    } catch (err) {
      translateTemporalError(err, runId);
    }
  }

  private async describeOrNull(runId: string): Promise<WorkflowExecutionDescription | null> {
    try {
      return await this.describe(runId);
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) return null;
      throw err;
    }
  }

  private queuedView(input: RunInput): RunView {
    return {
      run_id: input.runId,
      status: 'Queued',
      language: input.language,
      job_name: objectName(input.runId),
      pod_name: null,
      node_name: null,
      reason: null,
      exit_code: null,
      created_at: input.createdAt,
      started_at: null,
      finished_at: null,
      timeout_seconds: input.timeoutSeconds,
      logs_truncated: null,
      cancel_requested: false,
      status_history: [{ status: 'Queued', at: input.createdAt }],
      temporal_ui_url: this.temporalUiUrl(input.runId),
    };
  }

  private baseView(
    runId: string,
    sa: WorkflowExecutionDescription['typedSearchAttributes'],
    memo: Memo,
    start?: Date,
    close?: Date,
  ): RunView {
    return {
      run_id: runId,
      status: (sa.get(SA_STATUS) as RunStatus | undefined) ?? 'Queued',
      language: sa.get(SA_LANGUAGE) ?? null,
      job_name: objectName(runId),
      pod_name: sa.get(SA_POD) ?? null,
      node_name: sa.get(SA_NODE) ?? null,
      reason: null,
      exit_code: null,
      created_at: start?.toISOString() ?? null,
      started_at: null,
      finished_at: close?.toISOString() ?? null,
      timeout_seconds: memo.timeout_seconds ?? null,
      logs_truncated: null,
      cancel_requested: false,
      status_history: [],
      temporal_ui_url: this.temporalUiUrl(runId),
    };
  }

  private async viewOf(desc: WorkflowExecutionDescription): Promise<RunView> {
    const runId = desc.workflowId;
    const base = this.baseView(
      runId,
      desc.typedSearchAttributes,
      (desc.memo ?? {}) as Memo,
      desc.startTime,
      desc.closeTime,
    );
    const handle = this.client.workflow.getHandle<(a: RunWorkflowArgs) => Promise<RunResult>>(runId);
    switch (desc.status.name) {
      case 'RUNNING': {
        // The query needs a worker; without one, the search attributes still tell the status.
        const state = await this.client
          .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(stateQuery))
          .catch(() => null);
        if (!state) return base;
        // The worker answers from its own state, which can be a moment ahead of the server: a final
        // status there means the result is about to be recorded, so return the result itself.
        if (isTerminal(state.status)) {
          const r = await bounded(this.client, () => handle.result()).catch(() => null);
          if (r) return { ...base, ...fromResult(r) };
          return {
            ...base,
            ...fromState(state),
            status: state.history.at(-2)?.status ?? 'Running',
            status_history: state.history.slice(0, -1),
          };
        }
        return { ...base, ...fromState(state) };
      }
      case 'COMPLETED': {
        const r = await handle.result().catch((err: unknown) => translateTemporalError(err, runId));
        return { ...base, ...fromResult(r) };
      }
      case 'CANCELLED':
        return { ...base, status: 'Cancelled', reason: 'workflow cancelled' };
      default:
        return { ...base, status: 'Failed', reason: `workflow ${desc.status.name.toLowerCase()}` };
    }
  }

  private viewOfListed(e: temporal.api.workflow.v1.IWorkflowExecutionInfo): RunView {
    const runId = e.execution?.workflowId ?? '';
    const fields = e.searchAttributes?.indexedFields ?? {};
    const sa = (name: string): string | undefined => {
      const p = fields[name];
      return p?.data ? (JSON.parse(Buffer.from(p.data).toString('utf8')) as string) : undefined;
    };
    const ts = (t?: temporal.api.workflow.v1.IWorkflowExecutionInfo['startTime']) =>
      t?.seconds != null ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : null;
    return {
      ...this.queuedView({ runId } as RunInput),
      status: (sa('RunStatus') as RunStatus | undefined) ?? 'Queued',
      language: sa('RunLanguage') ?? null,
      pod_name: sa('RunPod') ?? null,
      node_name: sa('RunNode') ?? null,
      created_at: ts(e.startTime),
      finished_at: ts(e.closeTime),
      timeout_seconds: null,
    };
  }

  /**
   * A finished run's output lives once in history: in the result of its `fetchLogs` step, a local
   * activity, so a marker event whose data names the activity type and whose result is the logs.
   */
  private async finalOutput(runId: string): Promise<{ logs: string; truncated: boolean }> {
    const history = await this.client.workflow
      .getHandle(runId)
      .fetchHistory()
      .catch((err: unknown) => translateTemporalError(err, runId));
    const converter = this.client.options.loadedDataConverter.payloadConverter;
    for (const ev of history.events ?? []) {
      const marker = ev.markerRecordedEventAttributes;
      if (ev.eventType !== enums.EventType.EVENT_TYPE_MARKER_RECORDED || marker?.markerName !== LOCAL_ACTIVITY_MARKER)
        continue;
      const data = marker.details?.data?.payloads?.[0]?.data;
      const result = marker.details?.result?.payloads?.[0];
      if (!data || !result) continue;
      const { activity_type: type } = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string };
      if (type !== OUTPUT_STEP) continue;
      const out = converter.fromPayload<RunLogs>(result);
      return { logs: out.logs, truncated: out.truncated };
    }
    return { logs: '', truncated: false };
  }
}

/** The marker Temporal's SDK core records for a local activity, and the step whose result is the output. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
const OUTPUT_STEP = 'fetchLogs';

function fromState(s: RunState): Partial<RunView> {
  return {
    status: s.status,
    pod_name: s.podName,
    node_name: s.nodeName,
    reason: s.reason,
    exit_code: s.exitCode,
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    cancel_requested: s.cancelRequested,
    status_history: s.history,
  };
}

function fromResult(r: RunResult): Partial<RunView> {
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

function hashRequest(body: CreateRunBody): string {
  return createHash('sha256')
    .update(JSON.stringify([body.language, body.code, body.stdin, body.timeout_seconds]))
    .digest('hex');
}

/** Same key → same run id (a uuid-shaped digest), so Temporal itself refuses a second run. */
function idempotentRunId(key: string): string {
  const h = createHash('sha256').update(`code-runner:idempotency:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export type { WorkflowHandle };

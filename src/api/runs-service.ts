// Over 300 lines on purpose: one class holds every run route's Temporal call, so the bounded-call and idempotency rules sit in one place.
import { randomUUID } from 'node:crypto';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import type { Config } from '../config/config.js';
import type { LanguageSpec, RunClient, RunInput, RunResult, RunStatus, StageLimits } from '../domain/run.js';
import type { JudgeResult } from '../domain/judge.js';
import type { CallbackPolicy } from '../domain/callback.js';
import { isTerminal } from '../domain/run.js';
import type { RunInputView, RunView } from '../domain/run-view.js';
import { bounded } from '../temporal/deadline.js';
import { RunVisibility, runsQuery } from '../temporal/visibility.js';
import {
  RUN_WORKFLOW_TYPE,
  SA_LANGUAGE,
  SA_STATUS,
  SA_TENANT,
  cancelSignal,
  stateQuery,
} from '../workflows/definitions.js';
import type { RunWorkflowArgs } from '../workflows/run.js';
import { CursorCodec } from './cursor.js';
import { grpcCode, translateTemporalError } from './errors.js';
import { HttpError } from './http-error.js';
import { resolveLanguage, runInput } from './languages.js';
import type { LiveLogs } from './live-logs.js';
import type { FollowHandlers, LogFollow } from '../kube/log-follow.js';
import { InputCache } from './input-cache.js';
import type { LanguagesService } from './languages-service.js';
import { judgedResult, runRecord, type RunRecord } from './run-output.js';
import { checkSizes, hashRequest, idempotentRunId } from './submission.js';
import { combinedOutput } from '../domain/judge-status.js';
import { fromJudge, fromResult, fromState, RunViews, type RunMemo } from './run-view.js';
import type { CreateRunBody, ListRunsQuery } from './schemas.js';
import { auditEvent, outcomeOf, stdoutAudit, type AuditSink, type Requester } from './audit.js';
import { boundByTenant, type DefaultedField } from '../domain/tenant-maxima.js';
import { DEFAULT_TENANT, canSee, tenantOf } from '../domain/tenant.js';
import { requestCaller } from './request-caller.js';
import { ApiMetrics } from '../obs/api-metrics.js';

export type { RunView } from '../domain/run-view.js';

const QUERY_DEADLINE_MS = 2000;
/** Inputs of the runs this process started, kept to answer polls of open runs without a history read. */
const INPUT_CACHE_BYTES = 32 * 1024 * 1024;

/** What a compatible API adds to a submission: who it is, its settings to echo back, its compile limits. */
export interface StartOptions {
  client?: RunClient;
  clientSettings?: RunInput['clientSettings'];
  compileLimits?: StageLimits;
  /** A callback (Judge0's PUT, or the native signed webhook), already checked against the address policy. */
  callbackUrl?: string;
  /** A client attaches to the program (Piston's /api/v2/connect). */
  interactive?: boolean;
  /** Who submits: the run's tenant, its limits, and the audit line's who. */
  by?: Requester;
  /** Limits the API filled in itself (lowered to the tenant's maxima, never refused). */
  defaulted?: readonly DefaultedField[];
}

export class RunsService {
  private readonly cursors: CursorCodec;
  private readonly views: RunViews;
  private readonly inputs = new InputCache(INPUT_CACHE_BYTES);
  private readonly visibility: RunVisibility;

  constructor(
    private readonly client: Client,
    private readonly cfg: Config,
    private readonly liveLogs?: LiveLogs,
    private readonly languages?: LanguagesService,
    /** The API's metrics (runs accepted among them); the app serves them at /metrics. */
    readonly metrics: ApiMetrics = new ApiMetrics(),
    private readonly audit: AuditSink = stdoutAudit,
  ) {
    this.cursors = new CursorCodec(cfg.http.cursorSecret);
    this.visibility = new RunVisibility(client, cfg.temporal.namespace);
    this.views = new RunViews((runId) => this.temporalUiUrl(runId));
  }

  temporalUiUrl(runId: string): string {
    return `${this.cfg.temporal.uiUrl}/namespaces/${encodeURIComponent(this.cfg.temporal.namespace)}/workflows/${encodeURIComponent(runId)}`;
  }

  /** Starts a run (and writes its audit line, accepted or refused). */
  async start(
    body: CreateRunBody,
    idempotencyKey?: string,
    options: StartOptions = {},
  ): Promise<{ view: RunView; created: boolean; input?: RunInput }> {
    const fields = { language: body.language, client: options.client ?? 'native' };
    try {
      const started = await this.startRun(body, idempotencyKey, options);
      this.audit(auditEvent('run.submit', options.by, { ...fields, run_id: started.view.run_id, outcome: 'accepted' }));
      return started;
    } catch (err) {
      this.audit(auditEvent('run.submit', options.by, { ...fields, run_id: null, outcome: outcomeOf(err) }));
      throw err;
    }
  }

  /** With an idempotency key the same key always names the same run, never a second one. */
  private async startRun(
    body: CreateRunBody,
    idempotencyKey: string | undefined,
    options: StartOptions,
  ): Promise<{ view: RunView; created: boolean; input?: RunInput }> {
    const lang: LanguageSpec = resolveLanguage(this.cfg.languages, body.language);
    checkSizes(this.cfg.limits, body, lang);
    await this.languages?.requireAvailable(lang);
    const requestHash = hashRequest({ ...body, language: lang.id });
    const caller = options.by?.caller;
    // A keyed caller's Idempotency-Key names a run of its own tenant only.
    const scope = caller?.keyId ? caller.tenant : undefined;
    const runId = idempotencyKey ? idempotentRunId(idempotencyKey, scope) : randomUUID();
    if (idempotencyKey) {
      const existing = await this.describeOrNull(runId);
      if (existing) return { view: await this.sameRequestOrConflict(existing, runId, requestHash), created: false };
    }
    const built = runInput(lang, {
      runId,
      code: body.code,
      stdin: body.stdin,
      timeoutSeconds: body.timeout_seconds,
      files: body.files,
      args: body.args,
      tests: body.tests,
      compare: body.compare,
      limits: body.limits,
      // Output kept per run stays LOG_LIMIT_BYTES unless the language or the run asks for another limit.
      defaults: { output_kb: Math.floor(this.cfg.runner.logLimitBytes / 1024) },
      compileLimits: options.compileLimits,
      client: options.client,
      clientSettings: options.clientSettings,
    });
    const within = boundByTenant(built, caller?.limits ?? {}, options.defaulted);
    if ('violations' in within)
      throw new HttpError(422, 'limit_exceeded', "the run asks more than its tenant's maxima", within.violations);
    // A keyed caller's run records its tenant and the tenant's cap on runs at once (the admission workflow's).
    const maxActive = caller?.keyId ? caller.limits?.maxConcurrentRuns : undefined;
    const input: RunInput = {
      ...within.input,
      ...(caller?.keyId ? { tenant: caller.tenant } : {}),
      ...(maxActive ? { tenantMaxActiveRuns: maxActive } : {}),
      ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
      ...(options.interactive ? { interactive: true } : {}),
    };
    const args: RunWorkflowArgs = {
      input,
      policy: {
        poll: {
          initialMs: this.cfg.poll.initialMs,
          maxMs: this.cfg.poll.maxMs,
          factor: this.cfg.poll.factor,
          fallbackMs: this.cfg.poll.fallbackMs,
        },
        startTimeoutSeconds: this.cfg.runner.startTimeoutSeconds,
        ...(input.callbackUrl
          ? { callback: callbackPolicy(this.cfg.callbacks), temporalUiUrl: this.temporalUiUrl(runId) }
          : {}),
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
            { key: SA_TENANT, value: tenantOf(input) },
          ],
          memo: {
            timeout_seconds: input.timeoutSeconds,
            request_hash: requestHash,
            client: input.client,
            tenant: tenantOf(input),
          } satisfies RunMemo,
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError && idempotencyKey) {
        const existing = await this.describeOrNull(runId);
        if (existing) return { view: await this.sameRequestOrConflict(existing, runId, requestHash), created: false };
      }
      translateTemporalError(err, runId);
    }
    this.inputs.set(input);
    this.metrics.runSubmitted(input);
    return { view: this.views.queued(input), created: true, input };
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
    // A closed run's view needs its description and its history: read both at once.
    const [desc, record] = await Promise.all([
      this.describe(runId),
      finished ? runRecord(this.client, runId).catch(() => null) : null,
    ]);
    const view = record && desc.status.name !== 'RUNNING' ? this.closedView(desc, record) : await this.viewOf(desc);
    return { view, done: finished && isTerminal(view.status) };
  }

  /** Cancels a run (and writes its audit line, accepted or refused). */
  async cancel(runId: string, reason?: string, by?: Requester): Promise<RunView> {
    const fields = { run_id: runId, language: null, client: 'native' };
    try {
      const view = await this.cancelRun(runId, reason);
      this.audit(auditEvent('run.cancel', by, { ...fields, language: view.language, outcome: 'accepted' }));
      return view;
    } catch (err) {
      this.audit(auditEvent('run.cancel', by, { ...fields, outcome: outcomeOf(err) }));
      throw err;
    }
  }

  private async cancelRun(runId: string, reason?: string): Promise<RunView> {
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
    // Still open, or finished but open while its callback is delivered (then the history holds the output).
    const view = desc.status.name === 'RUNNING' ? await this.viewOf(desc) : null;
    if (!view || isTerminal(view.status)) {
      // One history read gives the view and the output.
      const record = await runRecord(this.client, runId);
      const judged = judgedResult(record);
      const out = judged
        ? combinedOutput(judged)
        : { text: record.output?.logs ?? '', truncated: record.output?.truncated ?? false };
      const status = (view ?? this.closedView(desc, record)).status;
      return { run_id: runId, logs: out.text, truncated: out.truncated, status, live: false };
    }
    const live = view.pod_name && this.liveLogs ? await this.liveLogs.read(view.pod_name) : null;
    return {
      run_id: runId,
      logs: live?.logs ?? '',
      truncated: live?.truncated ?? false,
      status: view.status,
      live: true,
    };
  }

  /** Follows a running pod's raw log (for the events stream); rejects when this API has no cluster access. */
  followOutput(podName: string, on: FollowHandlers): Promise<LogFollow> {
    if (!this.liveLogs) return Promise.reject(new Error('no cluster access for live output'));
    return this.liveLogs.follow(podName, on);
  }

  /** What was submitted, for whoever may read the run (the UI's "reproduce"). */
  async input(runId: string): Promise<RunInputView> {
    await this.describe(runId);
    const { input } = await runRecord(this.client, runId);
    if (!input) throw new HttpError(404, 'run_not_found', `run ${runId} has no recorded input`, { run_id: runId });
    return {
      run_id: runId,
      language: input.language,
      code: input.code,
      stdin: input.stdin,
      timeout_seconds: input.timeoutSeconds,
      files: input.files ?? [],
      args: input.args ?? [],
      tests: input.tests ?? [],
      compare: input.compare ?? { mode: 'exact' },
      limits: input.limits ?? {},
      client: input.client ?? 'native',
      tenant: tenantOf(input),
    };
  }

  /** A run's view with what was submitted and the launcher's judged result (the compatible APIs' source). */
  async detail(runId: string): Promise<{ view: RunView; input: RunInput | null; result: JudgeResult | null }> {
    const desc = await this.describe(runId);
    // An open run's view first: if the worker is ahead, the view waits for the result, which the record then holds.
    const view = desc.status.name === 'RUNNING' ? await this.viewOf(desc) : null;
    // Still open: no result yet, and the input, if this process started the run, is at hand.
    const cached = this.inputs.get(runId);
    if (view && cached && !isTerminal(view.status)) return { view, input: cached, result: null };
    const record = await runRecord(this.client, runId);
    return { view: view ?? this.closedView(desc, record), input: record.input, result: judgedResult(record) };
  }

  /** Runs of this task queue (optionally of one open status, e.g. the queue), counted by one visibility query. */
  async count(status?: RunStatus): Promise<number> {
    const open = status !== undefined && !isTerminal(status);
    return this.visibility
      .count(runsQuery(this.cfg.temporal.taskQueue, { ...(status ? { status } : {}), open }))
      .catch(translateTemporalError);
  }

  /** The caller's run ids newest first, `limit` of them after skipping `offset` (as Judge0 pages). */
  async ids(offset: number, limit: number): Promise<string[]> {
    return this.visibility.ids(this.listQuery({}), offset, limit).catch(translateTemporalError);
  }

  async list(q: ListRunsQuery): Promise<{ runs: RunView[]; next_cursor: string | null }> {
    const query = this.listQuery(q);
    // A cursor is checked before anything is sent: one we did not issue for this query never reaches Temporal.
    const nextPageToken = q.cursor ? this.cursors.decode(q.cursor, query) : undefined;
    try {
      const page = await this.visibility.page(query, q.limit, nextPageToken);
      const runs = page.executions.map((e) => this.views.listed(e));
      return { runs, next_cursor: page.next ? this.cursors.encode(page.next, query) : null };
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

  /** The visibility query of the caller's runs (every tenant's for an admin key), with the list's filters. */
  private listQuery(q: Pick<Partial<ListRunsQuery>, 'status' | 'language'>): string {
    const caller = requestCaller();
    return runsQuery(this.cfg.temporal.taskQueue, {
      ...(q.status ? { status: q.status } : {}),
      ...(q.language ? { language: q.language } : {}),
      ...(caller.scopes.includes('admin') ? {} : { tenant: caller.tenant }),
    });
  }

  private async sameRequestOrConflict(
    desc: WorkflowExecutionDescription,
    runId: string,
    hash: string,
  ): Promise<RunView> {
    const memo = (desc.memo ?? {}) as RunMemo;
    if (memo.request_hash !== hash)
      throw new HttpError(422, 'idempotency_key_reused', 'this Idempotency-Key was used for a different request', {
        run_id: runId,
      });
    return this.viewOf(desc);
  }

  private async describe(runId: string): Promise<WorkflowExecutionDescription> {
    try {
      const desc = await bounded(this.client, () => this.client.workflow.getHandle(runId).describe());
      // Another tenant's run is as good as absent.
      const tenant = ((desc.memo ?? {}) as RunMemo).tenant ?? DEFAULT_TENANT;
      if (desc.type !== RUN_WORKFLOW_TYPE || !canSee(requestCaller(), tenant))
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

  /** A finished run: its result, and the launcher's (streams, tests), which lives once in its fetchLogs step. */
  private async finishedView(base: RunView, r: RunResult): Promise<RunView> {
    if (!r.verdict) return { ...base, ...fromResult(r) };
    return withJudge({ ...base, ...fromResult(r) }, await runRecord(this.client, r.runId));
  }

  /** A closed run's view from its description and one read of its history. */
  private closedView(desc: WorkflowExecutionDescription, record: RunRecord): RunView {
    const base = this.views.described(desc);
    if (desc.status.name === 'COMPLETED' && record.result)
      return withJudge({ ...base, ...fromResult(record.result) }, record);
    if (desc.status.name === 'CANCELLED') return { ...base, status: 'Cancelled', reason: 'workflow cancelled' };
    return { ...base, status: 'Failed', reason: `workflow ${desc.status.name.toLowerCase()}` };
  }

  private async viewOf(desc: WorkflowExecutionDescription): Promise<RunView> {
    const runId = desc.workflowId;
    const base = this.views.described(desc);
    const handle = this.client.workflow.getHandle<(a: RunWorkflowArgs) => Promise<RunResult>>(runId);
    switch (desc.status.name) {
      case 'RUNNING': {
        // The query needs a worker; without one, the search attributes still tell the status.
        const state = await bounded(this.client, () => handle.query(stateQuery), QUERY_DEADLINE_MS).catch(() => null);
        if (!state) return base;
        // The worker answers from its own state, which can be a moment ahead of the server: a final
        // status there means the result is about to be recorded, so return the result itself.
        if (isTerminal(state.status)) {
          // Recorded (the server's status says so too) while the workflow stays open for its callback.
          if (state.result && base.status === state.status) return this.finishedView(base, state.result);
          const r = await bounded(this.client, () => handle.result()).catch(() => null);
          if (r) return this.finishedView(base, r);
          return {
            ...base,
            ...fromState(state),
            status: state.history.at(-2)?.status ?? 'Running',
            status_history: state.history.slice(0, -1),
          };
        }
        return { ...base, ...fromState(state) };
      }
      default:
        return this.closedView(desc, await runRecord(this.client, runId));
    }
  }
}

/** The launcher's result (judged against the expected outputs) added to a finished run's view. */
function withJudge(view: RunView, record: RunRecord): RunView {
  const judged = judgedResult(record);
  return judged ? { ...view, ...fromJudge(judged, (record.input?.tests?.length ?? 0) > 0) } : view;
}

const callbackPolicy = ({ initialIntervalMs, maxIntervalMs, retryHours }: Config['callbacks']): CallbackPolicy => ({
  initialIntervalMs,
  maxIntervalMs,
  retryHours,
});
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export type { WorkflowHandle };

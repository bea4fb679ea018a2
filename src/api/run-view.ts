import type { WorkflowExecutionDescription } from '@temporalio/client';
import type { temporal } from '../temporal/proto.js';
import { objectName } from '../domain/names.js';
import type { RunClient, RunInput, RunState, RunStatus } from '../domain/run.js';
import type { RunView } from '../domain/run-view.js';
import { SA_LANGUAGE, SA_NODE, SA_POD, SA_STATUS } from '../workflows/definitions.js';

/** What a run's workflow carries for the view besides its search attributes (set at start). */
export interface RunMemo {
  timeout_seconds?: number;
  request_hash?: string;
  /** The API the run came through (absent on runs from before compatible APIs: native). */
  client?: RunClient;
  /** The tenant whose key submitted it (absent on runs from before tenants: the default tenant). */
  tenant?: string;
}

/** Pure: the view a client sees of a run, from what Temporal tells of it at each stage. */
export class RunViews {
  constructor(private readonly uiUrl: (runId: string) => string) {}

  /** Just accepted: the submission itself. */
  queued(input: Pick<RunInput, 'runId' | 'language' | 'createdAt' | 'timeoutSeconds' | 'client'>): RunView {
    return {
      ...this.empty(input.runId),
      client: input.client ?? 'native',
      language: input.language,
      created_at: input.createdAt,
      timeout_seconds: input.timeoutSeconds,
      status_history: [{ status: 'Queued', at: input.createdAt }],
    };
  }

  /** From a description: search attributes and memo (readable with no worker running). */
  described(desc: WorkflowExecutionDescription): RunView {
    const sa = desc.typedSearchAttributes;
    const memo = (desc.memo ?? {}) as RunMemo;
    return {
      ...this.empty(desc.workflowId),
      client: memo.client ?? 'native',
      status: (sa.get(SA_STATUS) as RunStatus | undefined) ?? 'Queued',
      language: sa.get(SA_LANGUAGE) ?? null,
      pod_name: sa.get(SA_POD) ?? null,
      node_name: sa.get(SA_NODE) ?? null,
      created_at: desc.startTime?.toISOString() ?? null,
      finished_at: desc.closeTime?.toISOString() ?? null,
      timeout_seconds: memo.timeout_seconds ?? null,
    };
  }

  /** From a list entry (raw search attribute payloads). */
  listed(e: temporal.api.workflow.v1.IWorkflowExecutionInfo): RunView {
    const runId = e.execution?.workflowId ?? '';
    const fields = e.searchAttributes?.indexedFields ?? {};
    const sa = (name: string): string | undefined => {
      const p = fields[name];
      return p?.data ? (JSON.parse(Buffer.from(p.data).toString('utf8')) as string) : undefined;
    };
    const ts = (t?: temporal.api.workflow.v1.IWorkflowExecutionInfo['startTime']) =>
      t?.seconds != null ? new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString() : null;
    return {
      ...this.empty(runId),
      status: (sa(SA_STATUS.name) as RunStatus | undefined) ?? 'Queued',
      language: sa(SA_LANGUAGE.name) ?? null,
      pod_name: sa(SA_POD.name) ?? null,
      node_name: sa(SA_NODE.name) ?? null,
      created_at: ts(e.startTime),
      finished_at: ts(e.closeTime),
    };
  }

  private empty(runId: string): RunView {
    return {
      run_id: runId,
      status: 'Queued',
      language: null,
      job_name: objectName(runId),
      pod_name: null,
      node_name: null,
      reason: null,
      exit_code: null,
      created_at: null,
      started_at: null,
      finished_at: null,
      timeout_seconds: null,
      logs_truncated: null,
      cancel_requested: false,
      status_history: [],
      temporal_ui_url: this.uiUrl(runId),
    };
  }
}

/** What the worker's `state` query adds while the run is open. */
export function fromState(s: RunState): Partial<RunView> {
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
    stage: s.stage ?? null,
  };
}

// Pure builders the workflow's webhook shares, kept in the domain.
export { fromJudge, fromResult } from '../domain/run-view.js';

import type { CallbackRequest } from './callback.js';
import type { JudgeResult } from './judge.js';
import { combinedOutput } from './judge-status.js';
import { objectName } from './names.js';
import type { RunInput, RunLogs, RunResult } from './run.js';
import { fromJudge, fromResult, type RunView } from './run-view.js';

/**
 * Pure: the native API's webhook for a finished run (callback_url on POST /runs): a POST of
 * `{type: "run.finished", timestamp, data}`, data being the run as GET /runs/{id} shows it plus its output
 * (`logs`). Signed by the activity at each attempt (Standard Webhooks, src/domain/webhook-signature.ts); the
 * delivery id is the same for every attempt, so a receiver can drop a repeat.
 */
export const RUN_FINISHED = 'run.finished';
export const webhookId = (runId: string): string => `${runId}:finished`;

export function runWebhook(
  url: string,
  input: RunInput,
  result: RunResult,
  judged: JudgeResult | null,
  output: RunLogs | undefined,
  temporalUiUrl: string,
): CallbackRequest {
  const base: RunView = {
    run_id: input.runId,
    status: result.status,
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
    status_history: [],
    temporal_ui_url: temporalUiUrl,
    stage: null,
    client: input.client ?? 'native',
  };
  const view = { ...base, ...fromResult(result) };
  // The output as GET /runs/{id}/logs gives it.
  const logs = judged ? combinedOutput(judged).text : (output?.logs ?? '');
  const data = judged ? { ...view, ...fromJudge(judged, (input.tests?.length ?? 0) > 0) } : view;
  return {
    deliveryId: webhookId(input.runId),
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: RUN_FINISHED, timestamp: result.finishedAt, data: { ...data, logs } }),
    signed: true,
  };
}

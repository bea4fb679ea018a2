import type { CallbackRequest } from '../callback.js';
import type { JudgeResult } from '../judge.js';
import type { RunInput, RunStatus } from '../run.js';
import { DEFAULT_FIELDS, present, toSubmission } from './submission.js';

/**
 * Pure: Judge0 1.13.1's callback for a finished submission: a PUT of its default fields (token, time,
 * memory, stdout, stderr, compile_output, message, status) as JSON, text always Base64-encoded (Judge0's
 * isolate_job serializes the callback with base64_encoded: true, whatever the submission asked).
 */
export function judge0Callback(
  url: string,
  input: RunInput,
  end: { status: RunStatus; reason: string | null; finishedAt: string | null },
  result: JudgeResult | null,
): CallbackRequest {
  const view = {
    run_id: input.runId,
    status: end.status,
    language: input.language,
    reason: end.reason,
    created_at: input.createdAt,
    finished_at: end.finishedAt,
  };
  const submission = toSubmission({ view, input, result }, () => null);
  return {
    deliveryId: input.runId,
    method: 'PUT',
    url,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(present(submission, DEFAULT_FIELDS, true)),
  };
}

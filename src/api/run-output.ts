import type { Client } from '@temporalio/client';
import type { RunInput, RunLogs, RunResult } from '../domain/run.js';
import type { JudgeResult } from '../domain/judge.js';
import { judgeOutputs } from '../domain/judge-compare.js';
import { bounded } from '../temporal/deadline.js';
import { localActivitySteps } from '../temporal/local-activities.js';
import type { RunWorkflowArgs } from '../workflows/run.js';
import { translateTemporalError } from './errors.js';

/** The step whose result is the run's output. */
const OUTPUT_STEP = 'fetchLogs';

/** What a finished run's history holds beyond its result: what was submitted, and what came out. */
export interface RunRecord {
  input: RunInput | null;
  /** The `fetchLogs` step's result (the launcher's result in it); null if the run never got that far. */
  output: RunLogs | null;
  /** The workflow's result, once it completed. */
  result: RunResult | null;
}

/** One history read: the submission (the workflow's input), the output (its `fetchLogs` step) and the result. */
export async function runRecord(client: Client, runId: string): Promise<RunRecord> {
  const history = await bounded(client, () => client.workflow.getHandle(runId).fetchHistory()).catch((err: unknown) =>
    translateTemporalError(err, runId),
  );
  const events = history.events ?? [];
  const conv = client.options.loadedDataConverter.payloadConverter;
  const started = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const input = started ? conv.fromPayload<RunWorkflowArgs>(started).input : null;
  const step = localActivitySteps(events).find((s) => s.type === OUTPUT_STEP && s.result);
  const output = step?.result ? conv.fromPayload<RunLogs>(step.result) : null;
  const done = events.at(-1)?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
  const result = done ? conv.fromPayload<RunResult>(done) : null;
  return { input, output, result };
}

/** The launcher's result in a record, judged against the submission's expected outputs (null: none). */
export function judgedResult({ input, output }: Pick<RunRecord, 'input' | 'output'>): JudgeResult | null {
  return output?.result ? judgeOutputs(output.result, input?.tests, input?.compare) : null;
}

import type { Client } from '@temporalio/client';
import type { RunLogs } from '../domain/run.js';
import { bounded } from '../temporal/deadline.js';
import { localActivitySteps } from '../temporal/local-activities.js';
import { translateTemporalError } from './errors.js';

/** The step whose result is the run's output. */
const OUTPUT_STEP = 'fetchLogs';

/** A finished run's output lives once in history: in the result of its `fetchLogs` step (a local activity). */
export async function finalOutput(client: Client, runId: string): Promise<{ logs: string; truncated: boolean }> {
  const history = await bounded(client, () => client.workflow.getHandle(runId).fetchHistory()).catch((err: unknown) =>
    translateTemporalError(err, runId),
  );
  const step = localActivitySteps(history.events ?? []).find((s) => s.type === OUTPUT_STEP && s.result);
  if (!step?.result) return { logs: '', truncated: false };
  const out = client.options.loadedDataConverter.payloadConverter.fromPayload<RunLogs>(step.result);
  return { logs: out.logs, truncated: out.truncated };
}

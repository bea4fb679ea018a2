import type { Client } from '@temporalio/client';
import type { RunLogs } from '../domain/run.js';
import { bounded } from '../temporal/deadline.js';
import { enums } from '../temporal/proto.js';
import { translateTemporalError } from './errors.js';

/** The marker Temporal's SDK core records for a local activity, and the step whose result is the output. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
const OUTPUT_STEP = 'fetchLogs';

/**
 * A finished run's output lives once in history: in the result of its `fetchLogs` step, a local activity,
 * so a marker event whose data names the activity type and whose result is the logs.
 */
export async function finalOutput(client: Client, runId: string): Promise<{ logs: string; truncated: boolean }> {
  const history = await bounded(client, () => client.workflow.getHandle(runId).fetchHistory()).catch((err: unknown) =>
    translateTemporalError(err, runId),
  );
  const converter = client.options.loadedDataConverter.payloadConverter;
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

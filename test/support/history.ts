import type { Client } from '@temporalio/client';

/** A run's history as an operator reads it: its local-activity steps in order, timers, and the event count. */
export async function runHistory(client: Client, runId: string) {
  const history = await client.workflow.getHandle(runId).fetchHistory();
  const events = history.events ?? [];
  const converter = client.options.loadedDataConverter.payloadConverter;
  const steps = events.flatMap((e) => {
    const m = e.markerRecordedEventAttributes;
    const data = m?.markerName === 'core_local_activity' ? m.details?.data?.payloads?.[0]?.data : undefined;
    if (!data) return [];
    const info = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string };
    const result = m?.details?.result?.payloads?.[0];
    return [{ type: info.activity_type, result: result ? converter.fromPayload<unknown>(result) : null }];
  });
  const timers = events.filter((e) => e.timerStartedEventAttributes).length;
  return { events: events.length, steps, timers };
}

/** The card's steps among them (admission's own steps left out). */
export const CARD_STEPS = ['createConfigMap', 'createJob', 'pollJobStatus', 'fetchLogs', 'cleanUp'];

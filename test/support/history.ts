import type { Client } from '@temporalio/client';
import { localActivitySteps } from '../../src/temporal/local-activities.js';

/** A run's history as an operator reads it: its local-activity steps in order, timers, and the event count. */
export async function runHistory(client: Client, runId: string) {
  const history = await client.workflow.getHandle(runId).fetchHistory();
  const events = history.events ?? [];
  const converter = client.options.loadedDataConverter.payloadConverter;
  const steps = localActivitySteps(events).map((s) => ({
    type: s.type,
    result: s.result ? converter.fromPayload<unknown>(s.result) : null,
  }));
  const timers = events.filter((e) => e.timerStartedEventAttributes).length;
  return { events: events.length, steps, timers };
}

/** The card's steps among them (admission's own steps left out). */
export const CARD_STEPS = ['createConfigMap', 'createJob', 'pollJobStatus', 'fetchLogs', 'cleanUp'];

import type { Client } from '@temporalio/client';
import { runChangedSignal } from '../workflows/definitions.js';

/** Wakes a run's workflow for an early status poll (the worker's watch saw its Job or pod change). */
export function wakeRun(client: Client): (runId: string) => Promise<void> {
  return (runId) => client.workflow.getHandle(runId).signal(runChangedSignal);
}

import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities/index.js';

/** Name of the sweeper workflow type (the Schedule starts it by name). */
export const SWEEP_WORKFLOW_TYPE = 'sweepLeaksWorkflow';

type Sweep = activities.Activities['sweepRunnerObjects'];
type SweepInput = Parameters<Sweep>[0];
type SweepResult = Awaited<ReturnType<Sweep>>;

const { sweepRunnerObjects } = proxyActivities<activities.Activities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '5s', maximumInterval: '1m', maximumAttempts: 5 },
});

/**
 * One sweep of leaked runner objects (Jobs/ConfigMaps of finished or unknown runs). Started by the
 * Temporal Schedule the worker ensures (src/temporal/sweep-schedule.ts), so it survives any restart.
 */
export async function sweepLeaksWorkflow(input: Partial<SweepInput> = {}): Promise<SweepResult> {
  return sweepRunnerObjects({ ...input, minAgeSeconds: input.minAgeSeconds ?? 600 });
}

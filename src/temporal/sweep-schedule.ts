import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { SWEEP_WORKFLOW_TYPE } from '../workflows/sweep.js';

export const sweepScheduleId = (taskQueue: string): string => `code-runner-sweeper-${taskQueue}`;

/**
 * Ensures the durable leak sweeper: a Temporal Schedule that starts sweepLeaksWorkflow every
 * `every` on the worker's task queue (one sweep at a time). Idempotent: an existing schedule is kept.
 */
export async function ensureSweepSchedule(
  client: Client,
  taskQueue: string,
  opts: { every?: string; minAgeSeconds?: number } = {},
): Promise<string> {
  const scheduleId = sweepScheduleId(taskQueue);
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: opts.every ?? '10m' }] },
      action: {
        type: 'startWorkflow',
        workflowType: SWEEP_WORKFLOW_TYPE,
        taskQueue,
        workflowId: `${scheduleId}-sweep`,
        args: [{ minAgeSeconds: opts.minAgeSeconds ?? 600 }],
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  return scheduleId;
}

/**
 * Removes a task queue's sweeper (its schedule and a sweep still open): for task queues that end, such
 * as a benchmark's or a test's, whose sweeps would otherwise wait forever for a worker.
 */
export async function removeSweepSchedule(client: Client, taskQueue: string): Promise<void> {
  const schedule = client.schedule.getHandle(sweepScheduleId(taskQueue));
  // The sweeps it started lately (a closed one only makes terminate fail, which is ignored).
  const started = await schedule.describe().then(
    (d) => [...d.info.runningActions, ...d.info.recentActions.map((r) => r.action)].map((a) => a.workflow.workflowId),
    () => [],
  );
  await schedule.delete().catch(() => undefined);
  for (const id of new Set(started))
    await client.workflow
      .getHandle(id)
      .terminate('task queue removed')
      .catch(() => undefined);
}

import type { Client } from '@temporalio/client';
import type { Config } from '../config/config.js';
import { RUN_WORKFLOW_TYPE } from '../workflows/definitions.js';
import type { QueueDepth } from './worker-metrics.js';

/**
 * The queue depth as GET /system/queue counts it (two visibility counts of this task queue's open runs,
 * by their RunStatus), cached for `ttlMs` so that frequent scrapes cost Temporal nothing more.
 */
export function queueDepthReader(client: Client, cfg: Config['temporal'], ttlMs = 5000): () => Promise<QueueDepth> {
  const base = `WorkflowType = '${RUN_WORKFLOW_TYPE}' AND TaskQueue = '${cfg.taskQueue}' AND ExecutionStatus = 'Running'`;
  const count = async (status: string) =>
    Number(
      (
        await client.workflowService.countWorkflowExecutions({
          namespace: cfg.namespace,
          query: `${base} AND ${status}`,
        })
      ).count ?? 0,
    );
  let cached: { at: number; value: Promise<QueueDepth> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const value = Promise.all([count(`RunStatus = 'Queued'`), count(`RunStatus IN ('Pending', 'Running')`)]).then(
        ([queued, running]) => ({ queued, running }),
      );
      cached = { at: Date.now(), value };
      // A failed read is not kept: the next scrape asks again.
      value.catch(() => (cached = undefined));
    }
    return cached.value;
  };
}

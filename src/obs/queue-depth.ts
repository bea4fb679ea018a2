import type { Client } from '@temporalio/client';
import type { Config } from '../config/config.js';
import { RunVisibility, type QueueDepth } from '../temporal/visibility.js';

/**
 * The queue depth as GET /system/queue counts it (two visibility counts of this task queue's open runs,
 * by their RunStatus), cached for `ttlMs` so that frequent scrapes cost Temporal nothing more.
 */
export function queueDepthReader(client: Client, cfg: Config['temporal'], ttlMs = 5000): () => Promise<QueueDepth> {
  const visibility = new RunVisibility(client, cfg.namespace);
  let cached: { at: number; value: Promise<QueueDepth> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const value = visibility.depth(cfg.taskQueue);
      cached = { at: Date.now(), value };
      // A failed read is not kept: the next scrape asks again.
      value.catch(() => (cached = undefined));
    }
    return cached.value;
  };
}

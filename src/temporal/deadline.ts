import type { Client } from '@temporalio/client';

/** Every API call to Temporal is bounded, so an unreachable server becomes a prompt 503, not a hang. */
export const TEMPORAL_CALL_MS = 5000;

export function bounded<T>(client: Client, fn: () => Promise<T>, ms = TEMPORAL_CALL_MS): Promise<T> {
  return client.withDeadline(Date.now() + ms, fn);
}

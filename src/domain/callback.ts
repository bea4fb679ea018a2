/** Shared by workflow, activity and API: what one HTTP callback is, how it is retried, how it ended. */

/** Stable failure types of the deliverCallback activity; the first two are permanent (never retried). */
export const CallbackFailures = {
  /** The URL or one of its addresses is refused by the address policy. */
  Forbidden: 'CallbackForbidden',
  /** The receiver answered 3xx (redirects are not followed) or 4xx other than 408 and 429. */
  Rejected: 'CallbackRejected',
  /** 5xx, 408, 429, timeouts, connection errors, a name that does not resolve (yet). */
  Failed: 'CallbackFailed',
  /** A signed webhook, but this worker has no WEBHOOK_SECRET to sign it with. */
  Unsigned: 'CallbackUnsigned',
} as const;
export const PERMANENT_CALLBACK_FAILURES: string[] = [
  CallbackFailures.Forbidden,
  CallbackFailures.Rejected,
  CallbackFailures.Unsigned,
];

/** Generic enough for any client's callback: method, URL, headers, body. */
export interface CallbackRequest {
  /** Sent as X-Code-Runner-Delivery so a receiver can drop a repeat (a retry after a lost answer). */
  deliveryId: string;
  method: 'PUT' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Sign with WEBHOOK_SECRET at each attempt (Standard Webhooks headers); the key never enters the history. */
  signed?: boolean;
}

/** The retry schedule (CALLBACK_* settings): exponential backoff, coefficient 2, for hours. */
export interface CallbackPolicy {
  initialIntervalMs: number;
  maxIntervalMs: number;
  retryHours: number;
}
export const DEFAULT_CALLBACK_POLICY: CallbackPolicy = {
  initialIntervalMs: 5000,
  maxIntervalMs: 600_000,
  retryHours: 24,
};

/** How a run's callback ended; a failed delivery never changes the run's own status. */
export type CallbackOutcome = { delivered: true; status: number } | { delivered: false; error: string };

/** How many attempts the retry schedule makes at most (Judge0's callbacks_max_tries, for /config_info). */
export function callbackTries(p: CallbackPolicy): number {
  let elapsed = 0;
  let interval = p.initialIntervalMs;
  let tries = 1;
  for (const end = p.retryHours * 3_600_000; elapsed + interval <= end; tries++) {
    elapsed += interval;
    interval = Math.min(interval * 2, p.maxIntervalMs);
  }
  return tries;
}

/**
 * Pure token bucket: `capacity` tokens, refilled continuously at `capacity` per `windowMs` (a rate of
 * N per minute allows a burst of N, then one every minute/N). Times are milliseconds; no clock inside.
 */
export interface Bucket {
  tokens: number;
  at: number;
}

export interface BucketPolicy {
  capacity: number;
  windowMs: number;
}

export interface Decision {
  allowed: boolean;
  bucket: Bucket;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Milliseconds until one token is available again (0 when allowed with tokens to spare). */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

export const fullBucket = (policy: BucketPolicy, now: number): Bucket => ({ tokens: policy.capacity, at: now });

/** The bucket at `now`: refilled for the time since it was last seen, never above capacity. */
export function refill(b: Bucket, policy: BucketPolicy, now: number): Bucket {
  const elapsed = Math.max(0, now - b.at);
  const tokens = Math.min(policy.capacity, b.tokens + (elapsed * policy.capacity) / policy.windowMs);
  return { tokens, at: Math.max(b.at, now) };
}

/** Takes one token if there is one. */
export function take(b: Bucket, policy: BucketPolicy, now: number): Decision {
  const cur = refill(b, policy, now);
  const perTokenMs = policy.windowMs / policy.capacity;
  const allowed = cur.tokens >= 1;
  const bucket = allowed ? { tokens: cur.tokens - 1, at: cur.at } : cur;
  const missing = Math.max(0, 1 - bucket.tokens);
  return {
    allowed,
    bucket,
    remaining: Math.floor(bucket.tokens),
    retryAfterMs: Math.ceil(missing * perTokenMs),
    resetMs: Math.ceil((policy.capacity - bucket.tokens) * perTokenMs),
  };
}

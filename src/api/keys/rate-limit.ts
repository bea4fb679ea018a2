import type { RequestHandler } from 'express';
import { fullBucket, take, type Bucket, type BucketPolicy } from '../../domain/token-bucket.js';
import { callerOf } from '../caller.js';
import { HttpError } from '../http-error.js';

const WINDOW_MS = 60_000;

/**
 * Requests per minute per tenant (its keys' `requestsPerMinute`), a token bucket per tenant in this
 * replica. There is no shared store between API replicas, so each enforces its share: the rate divided
 * by `replicas` (API_REPLICAS, set by the chart), which holds across replicas when the Service spreads a
 * tenant's requests over them (docs/api-keys.md says when it does not). Every response to a limited
 * tenant carries the IETF draft RateLimit headers; a refusal is 429 with Retry-After.
 */
export function rateLimit(replicas: number, now: () => number = Date.now): RequestHandler {
  const buckets = new Map<string, { bucket: Bucket; rpm: number }>();
  return (_req, res, next) => {
    const { tenant, limits } = callerOf(res);
    const rpm = limits?.requestsPerMinute;
    if (!rpm) return next();
    const policy: BucketPolicy = { capacity: Math.max(1, rpm / replicas), windowMs: WINDOW_MS };
    const t = now();
    const held = buckets.get(tenant);
    // A changed rate starts a fresh bucket (full): the operator just changed the tenant's limits.
    const d = take(held && held.rpm === rpm ? held.bucket : fullBucket(policy, t), policy, t);
    buckets.set(tenant, { bucket: d.bucket, rpm });
    const limit = Math.floor(policy.capacity);
    res.setHeader('RateLimit-Limit', String(limit));
    res.setHeader('RateLimit-Remaining', String(d.remaining));
    res.setHeader('RateLimit-Reset', String(Math.ceil(d.resetMs / 1000)));
    res.setHeader('RateLimit-Policy', `${limit};w=${WINDOW_MS / 1000}`);
    if (d.allowed) return next();
    const retry = Math.max(1, Math.ceil(d.retryAfterMs / 1000));
    res.setHeader('Retry-After', String(retry));
    next(
      new HttpError(
        429,
        'rate_limited',
        `tenant ${tenant} is over its ${rpm} requests per minute; retry in ${retry} s`,
        {
          tenant,
          requests_per_minute: rpm,
          retry_after_seconds: retry,
        },
      ),
    );
  };
}

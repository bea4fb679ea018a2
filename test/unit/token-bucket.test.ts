import fc from 'fast-check';
import { fullBucket, take, type Bucket, type BucketPolicy } from '../../src/domain/token-bucket.js';

const policy: BucketPolicy = { capacity: 5, windowMs: 60_000 };

/** Requests at the given times (ms, ascending) through one bucket; the decisions in order. */
function replay(p: BucketPolicy, times: number[]) {
  let b: Bucket = fullBucket(p, times[0] ?? 0);
  return times.map((t) => {
    const d = take(b, p, t);
    b = d.bucket;
    return { t, ...d };
  });
}

describe('token bucket (pure)', () => {
  it('allows a burst of its capacity, then refuses with the time until the next token', () => {
    const ds = replay(policy, [0, 0, 0, 0, 0, 0]);
    expect(ds.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(ds.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    // 5 per minute: one token every 12 s.
    expect(ds[5]?.retryAfterMs).toBe(12_000);
    expect(ds[5]?.resetMs).toBe(60_000);
  });

  it('allows again once Retry-After has passed, and not a moment before', () => {
    let b = fullBucket(policy, 0);
    for (let i = 0; i < 5; i++) b = take(b, policy, 0).bucket;
    const refused = take(b, policy, 1_000);
    expect(refused.allowed).toBe(false);
    expect(take(refused.bucket, policy, 1_000 + refused.retryAfterMs - 1).allowed).toBe(false);
    expect(take(refused.bucket, policy, 1_000 + refused.retryAfterMs).allowed).toBe(true);
  });

  it('never lets more through in any window than its capacity plus the refill of that window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1_000, max: 120_000 }),
        (capacity, gaps, windowLen) => {
          const p = { capacity, windowMs: 60_000 };
          const times = gaps.reduce<number[]>((acc, g) => [...acc, (acc.at(-1) ?? 0) + g], []);
          const allowed = replay(p, times)
            .filter((d) => d.allowed)
            .map((d) => d.t);
          for (const start of allowed) {
            const inWindow = allowed.filter((t) => t >= start && t < start + windowLen).length;
            expect(inWindow).toBeLessThanOrEqual(capacity + Math.ceil((windowLen * capacity) / p.windowMs));
          }
        },
      ),
    );
  });

  it('says a refusal comes with a positive Retry-After and an allowed request with its remaining tokens', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 1, maxLength: 100 }), (gaps) => {
        const times = gaps.reduce<number[]>((acc, g) => [...acc, (acc.at(-1) ?? 0) + g], []);
        for (const d of replay(policy, times)) {
          if (!d.allowed) expect(d.retryAfterMs).toBeGreaterThan(0);
          expect(d.remaining).toBeGreaterThanOrEqual(0);
          expect(d.remaining).toBeLessThanOrEqual(policy.capacity);
          expect(d.bucket.tokens).toBeLessThanOrEqual(policy.capacity);
        }
      }),
    );
  });
});

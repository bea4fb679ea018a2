import { callbackTries, DEFAULT_CALLBACK_POLICY } from '../../src/domain/callback.js';

describe('callback retry schedule', () => {
  it('counts the attempts the backoff allows within the hours (config_info callbacks_max_tries)', () => {
    // 5, 10, 20, 40, 80, 160, 320 s (635 s), then every 600 s until 24 h: 1 + 7 + 142 attempts.
    expect(callbackTries(DEFAULT_CALLBACK_POLICY)).toBe(150);
    expect(callbackTries({ initialIntervalMs: 3_600_000, maxIntervalMs: 3_600_000, retryHours: 1 })).toBe(2);
    expect(callbackTries({ initialIntervalMs: 2_000_000, maxIntervalMs: 3_600_000, retryHours: 1 })).toBe(2);
  });
});

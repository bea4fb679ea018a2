import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('event stream and webhook settings', () => {
  it('default to a 1 s status poll, a 15 s heartbeat and no webhook key', () => {
    const c = loadConfig({});
    expect(c.events).toEqual({ pollMs: 1000, heartbeatMs: 15_000 });
    expect(c.webhooks).toEqual({});
  });

  it('take WEBHOOK_SECRET, EVENTS_POLL_MS and EVENTS_HEARTBEAT_SECONDS', () => {
    const c = loadConfig({
      WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      EVENTS_POLL_MS: '250',
      EVENTS_HEARTBEAT_SECONDS: '5',
    });
    expect(c.webhooks.secret).toBe('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(c.events).toEqual({ pollMs: 250, heartbeatMs: 5000 });
  });

  it('refuse a short key and a poll outside its bounds, all at once', () => {
    const bad = () => loadConfig({ WEBHOOK_SECRET: 'short', EVENTS_POLL_MS: '5' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/WEBHOOK_SECRET[\s\S]*EVENTS_POLL_MS|EVENTS_POLL_MS[\s\S]*WEBHOOK_SECRET/);
  });
});

import { createHmac } from 'node:crypto';
import { verifyWebhook, webhookHeaders, webhookKey, webhookSignature } from '../../src/domain/webhook-signature.js';

describe('webhook signature (Standard Webhooks)', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const now = new Date('2026-12-07T00:00:00Z');

  it('signs "<id>.<timestamp>.<body>" with HMAC-SHA256 of the decoded whsec_ key', () => {
    const body = '{"type":"run.finished"}';
    const expected = createHmac('sha256', Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'))
      .update(`run-1:finished.1796601600.${body}`)
      .digest('base64');
    expect(webhookSignature(secret, 'run-1:finished', 1796601600, body)).toBe(`v1,${expected}`);
    expect(webhookHeaders(secret, 'run-1:finished', body, now)).toEqual({
      'Webhook-Id': 'run-1:finished',
      'Webhook-Timestamp': '1796601600',
      'Webhook-Signature': `v1,${expected}`,
    });
  });

  it('uses a plain secret as its UTF-8 bytes', () => {
    expect(webhookKey('a-plain-secret-of-length')).toEqual(Buffer.from('a-plain-secret-of-length'));
  });

  it('verifies its own headers, and refuses another body, id, key or an old timestamp', () => {
    const body = '{"x":1}';
    const h = webhookHeaders(secret, 'id-1', body, now);
    const hs = { id: 'id-1', timestamp: h['Webhook-Timestamp']!, signature: h['Webhook-Signature']! };
    expect(verifyWebhook(secret, hs, body, now)).toBe(true);
    expect(verifyWebhook(secret, { ...hs, signature: `v1,bogus ${hs.signature}` }, body, now)).toBe(true);
    expect(verifyWebhook(secret, hs, '{"x":2}', now)).toBe(false);
    expect(verifyWebhook(secret, { ...hs, id: 'id-2' }, body, now)).toBe(false);
    expect(verifyWebhook('whsec_b3RoZXIta2V5LW9mLXRlc3Q=', hs, body, now)).toBe(false);
    expect(verifyWebhook(secret, hs, body, new Date(now.getTime() + 10 * 60_000))).toBe(false);
  });
});

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The Standard Webhooks signature (standardwebhooks.com): `Webhook-Signature: v1,<base64 HMAC-SHA256>` over
 * `<Webhook-Id>.<Webhook-Timestamp>.<body>`, the timestamp in unix seconds. A `whsec_<base64>` secret is that
 * key's bytes (the scheme's own format); any other secret is used as its UTF-8 bytes.
 */

export const webhookKey = (secret: string): Buffer =>
  secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');

export function webhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', webhookKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three headers of one attempt (a fresh timestamp each time). */
export function webhookHeaders(secret: string, id: string, body: string, now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'Webhook-Id': id,
    'Webhook-Timestamp': String(timestamp),
    'Webhook-Signature': webhookSignature(secret, id, timestamp, body),
  };
}

/** A receiver's check: one of the (space-separated) signatures matches, and the timestamp is recent. */
export function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(now.getTime() / 1000 - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, headers.id, ts, body));
  return headers.signature.split(' ').some((s) => {
    const got = Buffer.from(s);
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}

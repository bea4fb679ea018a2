import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError } from './http-error.js';

/**
 * List cursors are Temporal's page token sealed with a MAC over the token and the query it belongs to, so
 * a cursor we did not issue (garbage, truncated, from another filter) is refused here and never reaches
 * Temporal. The key is CURSOR_SECRET when set (the Helm chart shares one between API replicas).
 */
const VERSION = 1;
const TAG_BYTES = 16;

export class CursorCodec {
  private readonly key: Buffer;

  constructor(secret: string | undefined) {
    this.key = Buffer.from(secret ?? 'code-runner:list-cursor:v1', 'utf8');
  }

  encode(token: Uint8Array, scope: string): string {
    const body = Buffer.from(token);
    return Buffer.concat([Buffer.of(VERSION), this.tag(body, scope), body]).toString('base64url');
  }

  /** The page token inside a cursor issued for this scope; 400 invalid_cursor otherwise. */
  decode(cursor: string, scope: string): Buffer {
    const raw = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url') : Buffer.alloc(0);
    const body = raw.subarray(1 + TAG_BYTES);
    const tag = raw.subarray(1, 1 + TAG_BYTES);
    const ok =
      raw.length > 1 + TAG_BYTES &&
      raw[0] === VERSION &&
      raw.toString('base64url') === cursor &&
      timingSafeEqual(tag, this.tag(body, scope));
    if (!ok)
      throw new HttpError(400, 'invalid_cursor', 'the cursor is not one this API issued for this query', [
        { field: 'query.cursor', message: 'pass back next_cursor unchanged, with the same filters' },
      ]);
    return body;
  }

  private tag(body: Buffer, scope: string): Buffer {
    return createHmac('sha256', this.key).update(scope).update('\0').update(body).digest().subarray(0, TAG_BYTES);
  }
}

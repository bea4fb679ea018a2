import { createHash, timingSafeEqual } from 'node:crypto';
import { SCOPES, type Scope, type TenantLimits } from './tenant.js';

/**
 * Pure rules of API keys: the key's text `crk_<keyId>_<secret>`, its stored record and its check.
 * The secret is 32 random bytes, so a plain SHA-256 stored at rest is enough: a slow KDF protects guessable
 * passwords, and 256 random bits cannot be guessed however fast the hash is (docs/api-keys.md).
 */
export const KEY_PREFIX = 'crk';
/** The public id: 12 characters of [a-z0-9] (no '_', the separator). */
export const KEY_ID = /^[a-z0-9]{12}$/;
/** base64url of 32 bytes: 43 characters. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export const LIMIT_NAMES = ['maxConcurrentRuns', 'requestsPerMinute', 'maxTimeoutSeconds', 'maxMemoryMb'] as const;

/** One key as stored (one data entry of the keys Secret, JSON): never the secret itself. */
export interface KeyRecord {
  keyId: string;
  /** hex SHA-256 of the secret part. */
  hash: string;
  tenant: string;
  scopes: Scope[];
  limits: TenantLimits;
  createdAt: string;
  revokedAt?: string;
  /** When the key stops working by itself (ISO time); absent: never. */
  expiresAt?: string;
}

/** Whether a key works at `now` (ms): not revoked, not expired. */
export const isActive = (r: Pick<KeyRecord, 'revokedAt' | 'expiresAt'>, now: number): boolean =>
  !r.revokedAt && (r.expiresAt === undefined || now < Date.parse(r.expiresAt));

/** A key's lifetime from its text: `90s`, `30m`, `12h`, `30d`, or an ISO date/time; its end, or null. */
export function parseExpiry(text: string, now: Date): Date | null {
  const m = /^([1-9][0-9]{0,5})([smhd])$/.exec(text.trim());
  if (m) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() + Number(m[1]) * unit * 1000);
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return null;
  const at = new Date(text.trim());
  return Number.isNaN(at.getTime()) || at.getTime() <= now.getTime() ? null : at;
}

export const formatKey = (keyId: string, secret: string): string => `${KEY_PREFIX}_${keyId}_${secret}`;

/** The id and secret of a key's text, or null if it is not shaped as one. */
export function parseKey(text: string): { keyId: string; secret: string } | null {
  const m = /^crk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/.exec(text.trim());
  return m?.[1] && m[2] && SECRET.test(m[2]) ? { keyId: m[1], secret: m[2] } : null;
}

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** Whether the secret is this record's, compared in constant time. */
export function secretMatches(record: Pick<KeyRecord, 'hash'>, secret: string): boolean {
  const want = Buffer.from(record.hash, 'hex');
  const got = createHash('sha256').update(secret).digest();
  return want.length === got.length && timingSafeEqual(want, got);
}

/** A scope list from its text (`submit,read`): the scopes, or the unknown names. */
export function parseScopes(text: string): { scopes: Scope[] } | { unknown: string[] } {
  const names = [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = names.filter((n) => !(SCOPES as readonly string[]).includes(n));
  return unknown.length ? { unknown } : { scopes: names as Scope[] };
}

/**
 * A tenant's limits from its active keys: for each limit the strictest value any of them sets (a key that
 * sets none adds no limit), so a new key can never loosen a tenant's limits by accident. A key that expires
 * later keeps its limits counted until the keys next change: stricter, never looser.
 */
export function tenantLimits(records: Iterable<KeyRecord>, tenant: string, now = Date.now()): TenantLimits {
  const out: TenantLimits = {};
  for (const r of records) {
    if (r.tenant !== tenant || !isActive(r, now)) continue;
    for (const name of LIMIT_NAMES) {
      const v = r.limits[name];
      if (v !== undefined) out[name] = Math.min(out[name] ?? v, v);
    }
  }
  return out;
}

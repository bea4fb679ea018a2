import {
  formatKey,
  hashSecret,
  parseExpiry,
  parseKey,
  parseScopes,
  secretMatches,
  tenantLimits,
  type KeyRecord,
} from '../../src/domain/api-keys.js';
import { KeyRegistry } from '../../src/api/keys/registry.js';
import { encodeRecord, parseKeyData } from '../../src/kube/key-secret.js';
import { newKeyId } from '../../src/cli/key-commands.js';

const SECRET = 'A'.repeat(40) + '-_x';
const record = (over: Partial<KeyRecord> = {}): KeyRecord => ({
  keyId: 'abcdefghij12',
  hash: hashSecret(SECRET),
  tenant: 'acme',
  scopes: ['submit', 'read'],
  limits: {},
  createdAt: '2026-12-06T00:00:00.000Z',
  ...over,
});

describe('API keys (pure)', () => {
  it('formats and parses crk_<id>_<secret>, and rejects anything else', () => {
    const text = formatKey('abcdefghij12', SECRET);
    expect(parseKey(text)).toEqual({ keyId: 'abcdefghij12', secret: SECRET });
    expect(parseKey(`  ${text} `)).not.toBeNull();
    for (const bad of ['', 'crk_abc_def', text.slice(0, -1), text.replace('crk_', 'crx_'), `${text}x`, 'Bearer x'])
      expect(parseKey(bad)).toBeNull();
  });

  it('checks a secret against the stored SHA-256 only', () => {
    expect(record().hash).toMatch(/^[0-9a-f]{64}$/);
    expect(record().hash).not.toContain(SECRET);
    expect(secretMatches(record(), SECRET)).toBe(true);
    expect(secretMatches(record(), SECRET.replace('x', 'y'))).toBe(false);
  });

  it('reads scope lists and names unknown scopes', () => {
    expect(parseScopes('submit, read,submit')).toEqual({ scopes: ['submit', 'read'] });
    expect(parseScopes('submit,write,root')).toEqual({ unknown: ['write', 'root'] });
  });

  it("takes a tenant's strictest limits over its active keys", () => {
    const records = [
      record({ keyId: 'aaaaaaaaaaa1', limits: { requestsPerMinute: 120, maxTimeoutSeconds: 30 } }),
      record({ keyId: 'aaaaaaaaaaa2', limits: { requestsPerMinute: 60 } }),
      record({ keyId: 'aaaaaaaaaaa3', limits: { requestsPerMinute: 1 }, revokedAt: '2026-12-06T01:00:00.000Z' }),
      record({ keyId: 'aaaaaaaaaaa4', tenant: 'other', limits: { maxMemoryMb: 64 } }),
    ];
    expect(tenantLimits(records, 'acme')).toEqual({ requestsPerMinute: 60, maxTimeoutSeconds: 30 });
    expect(tenantLimits(records, 'nobody')).toEqual({});
  });

  it('reads a lifetime as a duration or a future ISO time, and nothing else', () => {
    const now = new Date('2026-12-07T00:00:00.000Z');
    expect(parseExpiry('90s', now)?.toISOString()).toBe('2026-12-07T00:01:30.000Z');
    expect(parseExpiry('12h', now)?.toISOString()).toBe('2026-12-07T12:00:00.000Z');
    expect(parseExpiry('30d', now)?.toISOString()).toBe('2027-01-06T00:00:00.000Z');
    expect(parseExpiry('2027-03-01', now)?.toISOString()).toBe('2027-03-01T00:00:00.000Z');
    for (const bad of ['0d', '10w', '-5m', '2026-12-06', 'tomorrow', '2027-13-45', ''])
      expect(parseExpiry(bad, now)).toBeNull();
  });

  it("counts an expired key's limits no more", () => {
    const records = [
      record({ keyId: 'aaaaaaaaaaa1', limits: { requestsPerMinute: 5 }, expiresAt: '2026-12-07T00:00:00.000Z' }),
      record({ keyId: 'aaaaaaaaaaa2', limits: { requestsPerMinute: 60 } }),
    ];
    expect(tenantLimits(records, 'acme', Date.parse('2026-12-06T23:59:59.000Z'))).toEqual({ requestsPerMinute: 5 });
    expect(tenantLimits(records, 'acme', Date.parse('2026-12-07T00:00:00.000Z'))).toEqual({ requestsPerMinute: 60 });
  });

  it('makes key ids of 12 lower-case letters and digits', () => {
    const ids = new Set(Array.from({ length: 200 }, newKeyId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{12}$/);
  });
});

describe('key store entries and the registry', () => {
  it('reads valid entries of the Secret and names the invalid ones', () => {
    const good = record();
    const data = {
      [good.keyId]: encodeRecord(good),
      zzzzzzzzzzzz: encodeRecord(good), // entry name and key id differ
      broken: Buffer.from('{not json').toString('base64'),
    };
    const { records, invalid } = parseKeyData(data);
    expect(records).toEqual([good]);
    expect(invalid.sort()).toEqual(['broken', 'zzzzzzzzzzzz']);
  });

  it('authenticates a key to its caller, and refuses revoked, unknown and wrong ones', () => {
    const reg = new KeyRegistry();
    reg.replace([record({ limits: { requestsPerMinute: 10 } })]);
    expect(reg.authenticate(formatKey('abcdefghij12', SECRET))).toEqual({
      tenant: 'acme',
      keyId: 'abcdefghij12',
      scopes: ['submit', 'read'],
      limits: { requestsPerMinute: 10 },
    });
    expect(reg.authenticate(formatKey('abcdefghij13', SECRET))).toBeNull();
    expect(reg.authenticate(formatKey('abcdefghij12', SECRET.replace('x', 'y')))).toBeNull();
    reg.replace([record({ revokedAt: '2026-12-06T02:00:00.000Z' })]);
    expect(reg.authenticate(formatKey('abcdefghij12', SECRET))).toBeNull();
    expect(reg.limitsOf('acme')).toEqual({});
  });

  it('lets a key work until its expiry and not a millisecond after, with no change to the store', () => {
    const reg = new KeyRegistry();
    const end = Date.parse('2026-12-07T00:00:00.000Z');
    reg.replace([record({ expiresAt: new Date(end).toISOString() })], end - 60_000);
    expect(reg.authenticate(formatKey('abcdefghij12', SECRET), end - 1)).toMatchObject({ tenant: 'acme' });
    expect(reg.authenticate(formatKey('abcdefghij12', SECRET), end)).toBeNull();
  });

  it('refuses a stored expiry that is not an ISO time', () => {
    const bad = { ...record(), expiresAt: 'next tuesday' };
    expect(parseKeyData({ [bad.keyId]: encodeRecord(bad) }).invalid).toEqual([bad.keyId]);
  });
});

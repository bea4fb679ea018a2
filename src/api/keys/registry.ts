import { isActive, parseKey, secretMatches, tenantLimits, type KeyRecord } from '../../domain/api-keys.js';
import type { Caller, TenantLimits } from '../../domain/tenant.js';

/**
 * The keys this replica knows, replaced whole at each change of the store (the Secret's watch). Lookups
 * are in memory: a key's id finds its record, the secret is checked against the hash in constant time.
 */
export class KeyRegistry {
  private byId = new Map<string, KeyRecord>();
  private limits = new Map<string, TenantLimits>();
  /** When the records last changed (ms), for logs and tests. */
  changedAt = 0;

  replace(records: readonly KeyRecord[], now = Date.now()): void {
    this.byId = new Map(records.map((r) => [r.keyId, r]));
    this.limits = new Map();
    for (const tenant of new Set(records.map((r) => r.tenant)))
      this.limits.set(tenant, tenantLimits(records, tenant, now));
    this.changedAt = now;
  }

  get size(): number {
    return this.byId.size;
  }

  /** The caller a key's text stands for, or null (malformed, unknown, revoked, expired, wrong secret). */
  authenticate(text: string, now = Date.now()): Caller | null {
    const key = parseKey(text);
    const record = key && this.byId.get(key.keyId);
    if (!key || !record || !isActive(record, now) || !secretMatches(record, key.secret)) return null;
    return { tenant: record.tenant, keyId: record.keyId, scopes: record.scopes, limits: this.limitsOf(record.tenant) };
  }

  /** A tenant's limits (the strictest its active keys set); {} for a tenant without keys. */
  limitsOf(tenant: string): TenantLimits {
    return this.limits.get(tenant) ?? {};
  }
}

/**
 * Who is calling: the tenant an API key belongs to and what the key may do. With keys off (the local
 * `make run`) every caller is the default tenant with every scope.
 */
export const SCOPES = ['submit', 'read', 'cancel', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const DEFAULT_TENANT = 'default';

/** What a tenant may use. Unset: no limit of that kind (the operator's maxima still hold). */
export interface TenantLimits {
  /** Runs of the tenant open at once, across every replica and worker (read by the admission workflow). */
  maxConcurrentRuns?: number;
  /** Requests per minute to the API, per tenant. */
  requestsPerMinute?: number;
  /** Largest time limit a run may ask (timeout_seconds, wall and CPU time). */
  maxTimeoutSeconds?: number;
  /** Largest memory a run may ask (limits.memory_mb). */
  maxMemoryMb?: number;
}

export interface Caller {
  tenant: string;
  /** The key's public id (absent when keys are off). */
  keyId?: string;
  scopes: readonly Scope[];
  /** The tenant's limits as of this request (absent: none beyond the operator's). */
  limits?: TenantLimits;
}

/** The caller when API keys are off. */
export const ANONYMOUS: Caller = { tenant: DEFAULT_TENANT, scopes: SCOPES };

/** A run's tenant (runs started before tenants existed belong to the default one). */
export const tenantOf = (input: { tenant?: string }): string => input.tenant ?? DEFAULT_TENANT;

/** Whether a caller may see a tenant's runs: its own, or every tenant's with the admin scope. */
export const canSee = (caller: Caller, tenant: string): boolean =>
  caller.scopes.includes('admin') || caller.tenant === tenant;

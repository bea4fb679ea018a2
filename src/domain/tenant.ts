/**
 * Who is calling: the tenant an API key belongs to and what the key may do. With keys off (the local
 * `make run`) every caller is the default tenant with every scope.
 */
export const SCOPES = ['submit', 'read', 'cancel', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const DEFAULT_TENANT = 'default';

export interface Caller {
  tenant: string;
  /** The key's public id (absent when keys are off). */
  keyId?: string;
  scopes: readonly Scope[];
}

/** The caller when API keys are off. */
export const ANONYMOUS: Caller = { tenant: DEFAULT_TENANT, scopes: SCOPES };

/** A run's tenant (runs started before tenants existed belong to the default one). */
export const tenantOf = (input: { tenant?: string }): string => input.tenant ?? DEFAULT_TENANT;

import { randomBytes, randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  formatKey,
  hashSecret,
  isActive,
  LIMIT_NAMES,
  parseExpiry,
  parseScopes,
  type KeyRecord,
} from '../domain/api-keys.js';
import type { TenantLimits } from '../domain/tenant.js';
import type { KeySecret } from '../kube/key-secret.js';

/** The `keys` CLI's commands over the keys Secret: create (prints the key once), list, revoke, set-limits. */

export const USAGE = `usage: npm run keys -- <command> [options]
  create --tenant <name> --scopes submit,read[,cancel,admin] [--rpm N] [--max-concurrent N]
         [--max-timeout SECONDS] [--max-memory MB] [--expires 30d|12h|ISO-TIME] [--json]
                                                                prints the new key once
  list [--json]                                                 ids, tenants, scopes, limits, expiry (no secrets)
  revoke <keyId>                                                the key stops working within seconds
  set-limits --tenant <name> [--rpm N] [--max-concurrent N] [--max-timeout S] [--max-memory MB]
                                                                sets these limits on every active key of the tenant
options of every command: --namespace <ns> (API_KEYS_NAMESPACE), --secret <name> (API_KEYS_SECRET)`;

export class UsageError extends Error {}

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const newKeyId = (): string => Array.from({ length: 12 }, () => ID_CHARS[randomInt(ID_CHARS.length)]).join('');

const LIMIT_FLAGS: Record<string, keyof TenantLimits> = {
  rpm: 'requestsPerMinute',
  'max-concurrent': 'maxConcurrentRuns',
  'max-timeout': 'maxTimeoutSeconds',
  'max-memory': 'maxMemoryMb',
};

const OPTIONS = {
  tenant: { type: 'string' },
  scopes: { type: 'string' },
  expires: { type: 'string' },
  json: { type: 'boolean' },
  namespace: { type: 'string' },
  secret: { type: 'string' },
  ...Object.fromEntries(Object.keys(LIMIT_FLAGS).map((f) => [f, { type: 'string' }])),
} as const;

export function parseCommand(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
type Parsed = ReturnType<typeof parseCommand>;

function limitsOf(values: Parsed['values']): TenantLimits {
  const out: TenantLimits = {};
  for (const [flag, name] of Object.entries(LIMIT_FLAGS)) {
    const v = (values as Record<string, string | undefined>)[flag];
    if (v === undefined) continue;
    if (!/^[1-9][0-9]{0,8}$/.test(v)) throw new UsageError(`--${flag} must be a whole number of at least 1`);
    out[name] = Number(v);
  }
  return out;
}

const TENANT = /^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/;

/** Runs one command; returns what to print on stdout, and a note for stderr. */
export async function runCommand(
  store: KeySecret,
  p: Parsed,
  now = new Date(),
): Promise<{ out: string; note?: string }> {
  const [command, ...args] = p.positionals;
  const v = p.values;
  switch (command) {
    case 'create': {
      const tenant = v.tenant;
      if (!tenant || !TENANT.test(tenant))
        throw new UsageError('--tenant is required: lower-case letters, digits, "-", "_" and "." (at most 63)');
      const scopes = parseScopes(v.scopes ?? '');
      if ('unknown' in scopes) throw new UsageError(`unknown scopes: ${scopes.unknown.join(', ')}`);
      if (scopes.scopes.length === 0) throw new UsageError('--scopes is required, e.g. --scopes submit,read');
      const expires = v.expires === undefined ? undefined : parseExpiry(v.expires, now);
      if (expires === null)
        throw new UsageError('--expires must be a duration (90s, 30m, 12h, 30d) or a future ISO date/time');
      const secret = randomBytes(32).toString('base64url');
      const record: KeyRecord = {
        keyId: newKeyId(),
        hash: hashSecret(secret),
        tenant,
        scopes: scopes.scopes,
        limits: limitsOf(v),
        createdAt: now.toISOString(),
        ...(expires ? { expiresAt: expires.toISOString() } : {}),
      };
      await store.update((records) => ({ records: [...records, record], result: null }));
      const key = formatKey(record.keyId, secret);
      if (v.json) return { out: JSON.stringify({ key, ...describe(record) }) };
      const note = `key ${record.keyId} for tenant ${tenant} (${record.scopes.join(',')}): shown once, keep it now`;
      return { out: key, note };
    }
    case 'list': {
      const records = (await store.records()).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      if (v.json) return { out: JSON.stringify(records.map(describe)) };
      if (records.length === 0) return { out: '', note: `no keys in Secret ${store.namespace}/${store.name}` };
      return { out: table(records.map(describe)) };
    }
    case 'revoke': {
      const id = args[0];
      if (!id) throw new UsageError('revoke needs the key id (see list)');
      const revoked = await store.update((records) => {
        const found = records.find((r) => r.keyId === id);
        if (!found) throw new UsageError(`no key ${id} in Secret ${store.namespace}/${store.name}`);
        if (found.revokedAt) return { records, result: found.revokedAt };
        const at = now.toISOString();
        return { records: records.map((r) => (r === found ? { ...r, revokedAt: at } : r)), result: at };
      });
      return { out: `key ${id} revoked at ${revoked}` };
    }
    case 'set-limits': {
      const tenant = v.tenant;
      if (!tenant) throw new UsageError('--tenant is required');
      const limits = limitsOf(v);
      const n = await store.update((records) => {
        const mine = records.filter((r) => r.tenant === tenant && isActive(r, now.getTime()));
        if (mine.length === 0) throw new UsageError(`tenant ${tenant} has no active key`);
        const next = records.map((r) => (mine.includes(r) ? { ...r, limits: { ...r.limits, ...limits } } : r));
        return { records: next, result: mine.length };
      });
      return { out: `limits of tenant ${tenant} set on ${n} key(s)` };
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  }
}

/** What list shows of a key: never its hash. */
function describe(r: KeyRecord) {
  return {
    keyId: r.keyId,
    tenant: r.tenant,
    scopes: r.scopes,
    limits: Object.fromEntries(LIMIT_NAMES.filter((n) => r.limits[n] !== undefined).map((n) => [n, r.limits[n]])),
    createdAt: r.createdAt,
    expiresAt: r.expiresAt ?? null,
    revokedAt: r.revokedAt ?? null,
  };
}

function table(rows: ReturnType<typeof describe>[]): string {
  const lines = rows.map((r) => [
    r.keyId,
    r.tenant,
    r.scopes.join(','),
    Object.entries(r.limits)
      .map(([k, n]) => `${k}=${n}`)
      .join(' ') || '-',
    r.createdAt,
    r.expiresAt ?? '-',
    r.revokedAt ?? '-',
  ]);
  const head = ['KEY ID', 'TENANT', 'SCOPES', 'LIMITS', 'CREATED', 'EXPIRES', 'REVOKED'];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]?.length ?? 0)));
  return [head, ...lines]
    .map((l) =>
      l
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

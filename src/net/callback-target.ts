import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { callbackTarget, type Verdict } from '../domain/address-policy.js';

/**
 * A callback URL checked against the address policy with its name resolved: every address the name
 * has must pass, and the delivery then connects to these very addresses (no second lookup to rebind).
 */

export type Resolve = (host: string) => Promise<LookupAddress[]>;
export const systemResolve: Resolve = (host) => dnsLookup(host, { all: true, verbatim: true });

export type CheckedTarget =
  | { ok: true; url: URL; addresses: LookupAddress[] }
  /** `unresolved`: the name did not resolve (maybe for now); otherwise the URL or an address is refused. */
  | { ok: false; reason: string; unresolved?: boolean };

export async function checkTarget(
  raw: string,
  check: (ip: string) => Verdict,
  resolve: Resolve = systemResolve,
): Promise<CheckedTarget> {
  const t = callbackTarget(raw);
  if ('error' in t) return { ok: false, reason: `callback_url ${t.error}` };
  let addresses: LookupAddress[];
  if (t.ip) addresses = [{ address: t.host, family: t.host.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(t.host);
    } catch (err) {
      return { ok: false, unresolved: true, reason: `cannot resolve ${t.host}: ${(err as Error).message}` };
    }
  }
  if (addresses.length === 0) return { ok: false, unresolved: true, reason: `${t.host} has no address` };
  for (const a of addresses) {
    const v = check(a.address);
    if (!v.ok)
      return { ok: false, reason: t.ip ? v.reason : `${t.host} resolves to a forbidden address (${v.reason})` };
  }
  return { ok: true, url: t.url, addresses };
}

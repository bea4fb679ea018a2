import { BlockList, isIP } from 'node:net';

/**
 * Pure: which addresses an outgoing callback may reach (SSRF policy). Loopback, link-local (cloud
 * metadata), private, CGNAT, unspecified, multicast and reserved ranges are refused unless the operator
 * exempts a CIDR (CALLBACK_ALLOWED_CIDRS) or, for the private ranges only, sets CALLBACK_ALLOW_PRIVATE.
 */

type Kind = 'private' | 'loopback' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

/** Forbidden ranges, each with what it is (the refusal says so). */
export const FORBIDDEN: readonly { cidr: string; kind: Kind }[] = [
  { cidr: '0.0.0.0/8', kind: 'unspecified' },
  { cidr: '10.0.0.0/8', kind: 'private' },
  { cidr: '100.64.0.0/10', kind: 'private' },
  { cidr: '127.0.0.0/8', kind: 'loopback' },
  { cidr: '169.254.0.0/16', kind: 'link-local' },
  { cidr: '172.16.0.0/12', kind: 'private' },
  { cidr: '192.0.0.0/24', kind: 'reserved' },
  { cidr: '192.168.0.0/16', kind: 'private' },
  { cidr: '198.18.0.0/15', kind: 'reserved' },
  { cidr: '224.0.0.0/4', kind: 'multicast' },
  { cidr: '240.0.0.0/4', kind: 'reserved' }, // with 255.255.255.255, the broadcast address
  { cidr: '::/128', kind: 'unspecified' },
  { cidr: '::1/128', kind: 'loopback' },
  { cidr: '64:ff9b::/96', kind: 'reserved' }, // NAT64: reaches IPv4 addresses through a translator
  { cidr: 'fc00::/7', kind: 'private' },
  { cidr: 'fe80::/10', kind: 'link-local' },
  { cidr: 'fec0::/10', kind: 'private' }, // the deprecated site-local range
  { cidr: 'ff00::/8', kind: 'multicast' },
];

export interface AddressPolicy {
  /** 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7 allowed (never loopback or link-local). */
  allowPrivate: boolean;
  /** CIDRs exempt from every rule (e.g. 127.0.0.1/32 for a receiver on the same host). */
  allowedCidrs: readonly string[];
}

/** `a.b.c.d/n` or `x::y/n` (a bare address is /32 or /128) → its parts, or null when malformed. */
export function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address = '', bits, ...rest] = cidr.trim().split('/');
  const v = isIP(address);
  if (v === 0 || rest.length > 0) return null;
  const max = v === 4 ? 32 : 128;
  if (bits !== undefined && !/^\d{1,3}$/.test(bits)) return null;
  const prefix = bits === undefined ? max : Number(bits);
  return prefix <= max ? { address, prefix, family: v === 4 ? 'ipv4' : 'ipv6' } : null;
}

/** A comma list of CIDRs → the list, or the malformed entries. */
export function parseCidrList(list: string): { cidrs: string[] } | { invalid: string[] } {
  const cidrs = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const invalid = cidrs.filter((c) => parseCidr(c) === null);
  return invalid.length ? { invalid } : { cidrs };
}

function blockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const p = parseCidr(c);
    if (p) list.addSubnet(p.address, p.prefix, p.family);
  }
  return list;
}

/** IPv4-mapped IPv6 (::ffff:127.0.0.1, ::ffff:7f00:1) → the IPv4 address it stands for; others unchanged. */
export function unmapped(ip: string): string {
  const m = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/i.exec(ip);
  if (!m || isIP(ip) !== 6) return ip;
  const tail = m[1] as string;
  if (isIP(tail) === 4) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
  if (!hex) return ip;
  const [hi, lo] = [parseInt(hex[1] as string, 16), parseInt(hex[2] as string, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** Builds the policy's matcher once: `check(ip)` says whether a callback may connect to that address. */
export function addressChecker(policy: AddressPolicy): (ip: string) => Verdict {
  const allowed = blockList(policy.allowedCidrs);
  const byKind = FORBIDDEN.map((f) => ({ kind: f.kind, list: blockList([f.cidr]) }));
  return (raw) => {
    const ip = unmapped(raw);
    const v = isIP(ip);
    if (v === 0) return { ok: false, reason: `${raw} is not an IP address` };
    const family = v === 4 ? 'ipv4' : 'ipv6';
    if (allowed.check(ip, family)) return { ok: true };
    const hit = byKind.find((k) => k.list.check(ip, family));
    if (!hit || (hit.kind === 'private' && policy.allowPrivate)) return { ok: true };
    return { ok: false, reason: `${raw} is a ${hit.kind} address, which callbacks may not reach` };
  };
}

/**
 * A callback URL's shape: http(s) only, no credentials. WHATWG parsing has already turned numeric hosts
 * (2130706433, 0x7f.1, 0177.0.0.1) into dotted IPv4, so `ip` is set for every literal address.
 */
export function callbackTarget(raw: string): { url: URL; host: string; ip: boolean } | { error: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: 'is not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'must be an http or https URL' };
  if (url.username || url.password) return { error: 'must not carry credentials' };
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) return { error: 'has no host' };
  return { url, host, ip: isIP(host) !== 0 };
}

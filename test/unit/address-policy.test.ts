import { loadConfig, ConfigError } from '../../src/config/config.js';
import {
  addressChecker,
  callbackTarget,
  parseCidr,
  parseCidrList,
  unmapped,
  type AddressPolicy,
} from '../../src/domain/address-policy.js';
import { checkTarget } from '../../src/net/callback-target.js';

const strict: AddressPolicy = { allowPrivate: false, allowedCidrs: [] };
const check = addressChecker(strict);
const refused = (ip: string, c = check) => {
  const v = c(ip);
  return v.ok ? null : v.reason;
};

describe('address policy: forbidden ranges', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.169.254', 'link-local'], // cloud metadata
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'], // CGNAT
    ['100.127.255.255', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'], // broadcast
    ['240.0.0.1', 'reserved'],
    ['64:ff9b::7f00:1', 'reserved'], // NAT64 of 127.0.0.1
  ])('%s is refused as %s', (ip, kind) => {
    expect(refused(ip)).toBe(`${ip} is a ${kind} address, which callbacks may not reach`);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '2606:4700::1111'])(
    '%s (public) is allowed',
    (ip) => expect(check(ip)).toEqual({ ok: true }),
  );

  it('IPv4-mapped IPv6 forms are judged as the IPv4 address they stand for', () => {
    expect(unmapped('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(unmapped('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(unmapped('0:0:0:0:0:ffff:a9fe:a9fe')).toBe('169.254.169.254');
    expect(unmapped('2001:db8::1')).toBe('2001:db8::1');
    expect(refused('::ffff:127.0.0.1')).toMatch(/loopback/);
    expect(refused('::ffff:a9fe:a9fe')).toMatch(/link-local/);
    expect(refused('::ffff:10.1.2.3')).toMatch(/private/);
    expect(check('::ffff:8.8.8.8')).toEqual({ ok: true });
  });

  it('not an address is refused', () => {
    expect(refused('localhost')).toBe('localhost is not an IP address');
  });
});

describe('address policy: the operator exemptions', () => {
  it('CALLBACK_ALLOWED_CIDRS exempts exactly its ranges, from every rule', () => {
    const c = addressChecker({ allowPrivate: false, allowedCidrs: ['127.0.0.1/32', '10.1.0.0/16', 'fd00::/8'] });
    expect(c('127.0.0.1')).toEqual({ ok: true });
    expect(c('::ffff:127.0.0.1')).toEqual({ ok: true });
    expect(refused('127.0.0.2', c)).toMatch(/loopback/);
    expect(c('10.1.200.3')).toEqual({ ok: true });
    expect(refused('10.2.0.1', c)).toMatch(/private/);
    expect(c('fd00::5')).toEqual({ ok: true });
    expect(refused('169.254.169.254', c)).toMatch(/link-local/);
  });

  it('CALLBACK_ALLOW_PRIVATE opens the private ranges only, never loopback, link-local or metadata', () => {
    const c = addressChecker({ allowPrivate: true, allowedCidrs: [] });
    for (const ip of ['10.0.0.1', '172.16.0.1', '192.168.0.1', '100.64.0.1', 'fc00::1'])
      expect(c(ip)).toEqual({ ok: true });
    for (const ip of ['127.0.0.1', '::1', '169.254.169.254', 'fe80::1', '0.0.0.0', '224.0.0.1'])
      expect(c(ip).ok).toBe(false);
  });

  it('CIDRs are parsed strictly', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    for (const bad of ['10.0.0.0/33', '::/129', 'localhost/8', '10.0.0.0/8/1', '10.0.0.0/x', '300.0.0.0/8', ''])
      expect(parseCidr(bad)).toBeNull();
    expect(parseCidrList(' 127.0.0.1/32, ::1 ,')).toEqual({ cidrs: ['127.0.0.1/32', '::1'] });
    expect(parseCidrList('127.0.0.1/32,nope')).toEqual({ invalid: ['nope'] });
  });

  it('the configuration takes the list and the switch, and reports a bad CIDR', () => {
    expect(loadConfig({}).callbacks).toEqual({
      retryHours: 24,
      initialIntervalMs: 5000,
      maxIntervalMs: 600000,
      timeoutMs: 10000,
      addresses: { allowPrivate: false, allowedCidrs: [] },
    });
    const cfg = loadConfig({ CALLBACK_ALLOWED_CIDRS: '127.0.0.1/32', CALLBACK_ALLOW_PRIVATE: 'true' });
    expect(cfg.callbacks.addresses).toEqual({ allowPrivate: true, allowedCidrs: ['127.0.0.1/32'] });
    expect(() => loadConfig({ CALLBACK_ALLOWED_CIDRS: '127.0.0.1/40' })).toThrow(ConfigError);
    expect(() => loadConfig({ CALLBACK_ALLOWED_CIDRS: '127.0.0.1/40' })).toThrow(/CALLBACK_ALLOWED_CIDRS/);
  });
});

describe('callback URLs', () => {
  it.each([
    ['http://2130706433/cb', '127.0.0.1'],
    ['http://0x7f.1/cb', '127.0.0.1'],
    ['http://0177.0.0.1/cb', '127.0.0.1'],
    ['http://127.1/cb', '127.0.0.1'],
    ['http://0xa9fea9fe/', '169.254.169.254'],
    ['http://[::ffff:127.0.0.1]:8080/', '::ffff:7f00:1'],
    ['https://[::1]/', '::1'],
  ])('%s: WHATWG parsing makes the numeric host %s, which is then refused', (raw, host) => {
    const t = callbackTarget(raw);
    expect(t).toMatchObject({ host, ip: true });
    if ('host' in t) expect(check(t.host).ok).toBe(false);
  });

  it('only http and https, no credentials, any port', () => {
    expect(callbackTarget('ftp://example.com/')).toEqual({ error: 'must be an http or https URL' });
    expect(callbackTarget('file:///etc/passwd')).toEqual({ error: 'must be an http or https URL' });
    expect(callbackTarget('http://user:pw@example.com/')).toEqual({ error: 'must not carry credentials' });
    expect(callbackTarget('not a url')).toEqual({ error: 'is not a valid URL' });
    expect(callbackTarget('https://example.com:8443/x?y=1')).toMatchObject({ host: 'example.com', ip: false });
  });

  it('a name is checked on EVERY address it resolves to', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    expect(await checkTarget('http://rebind.example/cb', check, resolve)).toEqual({
      ok: false,
      reason:
        'rebind.example resolves to a forbidden address (10.0.0.7 is a private address, which callbacks may not reach)',
    });
    const good = await checkTarget('http://ok.example/cb', check, async () => [
      { address: '93.184.216.34', family: 4 },
    ]);
    expect(good).toMatchObject({ ok: true, addresses: [{ address: '93.184.216.34', family: 4 }] });
    const none = await checkTarget('http://gone.example/', check, async () => {
      throw new Error('ENOTFOUND');
    });
    expect(none).toMatchObject({ ok: false, unresolved: true });
  });
});

import { describe, expect, it } from '@jest/globals';
import { blockedAddressReason, checkCallbackUrl, type Resolver } from './callback-url.policy.js';

const strict = { allowPrivate: false };
const lenient = { allowPrivate: true };

describe('blockedAddressReason', () => {
  it.each(['169.254.169.254', '169.254.1.1', 'fe80::1', '::ffff:169.254.169.254', '0.0.0.0', '224.0.0.1', 'fd00:ec2::254'])(
    'always blocks %s',
    (ip) => {
      expect(blockedAddressReason(ip, lenient)).toBeDefined();
    },
  );
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.0.10', '::1', 'fd12::1', '100.64.0.1'])(
    'blocks private %s unless allowed',
    (ip) => {
      expect(blockedAddressReason(ip, strict)).toMatch(/private/);
      expect(blockedAddressReason(ip, lenient)).toBeUndefined();
    },
  );
  it.each(['93.184.216.34', '2606:4700::1111', '172.32.0.1'])('allows public %s', (ip) => {
    expect(blockedAddressReason(ip, strict)).toBeUndefined();
  });
});

describe('checkCallbackUrl', () => {
  const resolveTo = (addresses: string[]) => async () => addresses;

  it('accepts a public https URL', async () => {
    const url = await checkCallbackUrl('https://hooks.example.com/riskwire', strict, resolveTo(['93.184.216.34']));
    expect(url).toBeInstanceOf(URL);
  });

  it('rejects a hostname that resolves to the metadata address (any of its addresses)', async () => {
    const result = await checkCallbackUrl('https://evil.example.com/x', strict, resolveTo(['93.184.216.34', '169.254.169.254']));
    expect(result).toMatchObject({ field: 'callbackUrl', code: 'PARAMETER_INVALID' });
  });

  it('rejects an unresolvable host', async () => {
    const result = await checkCallbackUrl('https://nowhere.invalid/x', strict, async () => {
      throw new Error('ENOTFOUND');
    });
    expect(result).toMatchObject({ code: 'PARAMETER_INVALID', message: expect.stringMatching(/cannot be resolved/) });
  });

  it.each([
    ['not a url', 'PARAMETER_INVALID'],
    ['file:///etc/passwd', 'PARAMETER_INVALID'],
    ['javascript:alert(1)', 'PARAMETER_INVALID'],
    [`https://example.com/${'x'.repeat(2100)}`, 'PARAMETER_TOO_LONG'],
  ])('rejects %s', async (raw, code) => {
    expect(await checkCallbackUrl(raw, strict, resolveTo(['93.184.216.34']))).toMatchObject({ field: 'callbackUrl', code });
  });
});

// Review findings (issue 8, part 7): translation and tunnelling forms that reach an IPv4 address, and ranges
// the hand-written lists missed. Each is refused as a literal and through a DNS name that resolves to it.
describe('callback guard, ranges decided per ipaddr.js range', () => {
  const refusedWhateverTheSetting: [string, string][] = [
    ['NAT64 of the metadata address', '64:ff9b::a9fe:a9fe'],
    ['NAT64 of 0.0.0.0', '64:ff9b::'],
    ['NAT64 local-use prefix (RFC 8215)', '64:ff9b:1::a9fe:a9fe'],
    ['6to4 of the metadata address', '2002:a9fe:a9fe::1'],
    ['IPv4-compatible public address (deprecated form)', '::5db8:d822'],
    ['IPv4-compatible metadata address', '::a9fe:a9fe'],
    ['IPv4-translated (RFC 6145) metadata address', '::ffff:0:a9fe:a9fe'],
    ['IPv4-mapped metadata address', '::ffff:169.254.169.254'],
    ['site-local fec0::/10', 'fec0::1'],
    ['site-local, top of the range', 'feff:ffff::1'],
    ['192.0.0.0/24 (IETF protocol assignments)', '192.0.0.8'],
    ['192.0.0.170 (NAT64 discovery)', '192.0.0.170'],
    ['TEST-NET-1', '192.0.2.10'],
    ['benchmarking 198.18.0.0/15', '198.18.0.1'],
    ['240.0.0.0/4', '240.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['AS112', '192.175.48.1'],
    ['Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['IPv6 documentation', '2001:db8::1'],
    ['IPv6 discard', '100::1'],
    ['IPv6 unallocated (outside 2000::/3)', '4000::1'],
    ['IPv6 multicast', 'ff02::1'],
    ['AWS metadata over IPv6', 'fd00:ec2::254'],
    ['unspecified ::', '::'],
  ];
  const refusedUnlessPrivateAllowed: [string, string][] = [
    ['NAT64 of loopback', '64:ff9b::7f00:1'],
    ['NAT64 of 10/8', '64:ff9b::10.0.0.1'],
    ['6to4 of 192.168/16', '2002:c0a8:0001::1'],
    ['6to4 of loopback', '2002:7f00:1::'],
    ['IPv4-mapped 10/8', '::ffff:10.0.0.1'],
    ['carrier-grade NAT', '100.64.0.1'],
  ];

  it.each(refusedWhateverTheSetting)('%s (%s) is refused even with CALLBACK_ALLOW_PRIVATE', (_case, ip) => {
    expect(blockedAddressReason(ip, lenient)).toMatch(/link-local, metadata or reserved/);
    expect(blockedAddressReason(ip, strict)).toBeDefined();
  });

  it.each(refusedUnlessPrivateAllowed)('%s (%s) is refused unless private callbacks are allowed', (_case, ip) => {
    expect(blockedAddressReason(ip, strict)).toMatch(/private/);
    expect(blockedAddressReason(ip, lenient)).toBeUndefined();
  });

  it('ipaddr.js reads "::10.0.0.1" as IPv4-mapped; it is the IPv4-compatible ::a00:1 and refused as such', () => {
    expect(blockedAddressReason('::10.0.0.1', lenient)).toMatch(/IPv4-compatible/);
  });

  it.each([
    ['NAT64 of a public address (what DNS64 gives IPv6-only clusters)', '64:ff9b::5db8:d822'],
    ['6to4 of a public address', '2002:5db8:d822::1'],
    ['IPv4-mapped public address', '::ffff:93.184.216.34'],
    ['global unicast IPv6', '2a00:1450:4001:82a::200e'],
  ])('%s (%s) is allowed', (_case, ip) => {
    expect(blockedAddressReason(ip, strict)).toBeUndefined();
  });

  it.each([['not-an-ip'], ['fe80::1%eth0'], ['127.1'], ['0x7f.0.0.1'], ['']])('%j, not an address a resolver gives, is refused', (text) => {
    expect(blockedAddressReason(text, lenient)).toMatch(/cannot be read/);
  });

  const resolvingTo =
    (addresses: string[]): Resolver =>
    async () =>
      addresses;

  it.each([...refusedWhateverTheSetting, ...refusedUnlessPrivateAllowed])(
    'a DNS name resolving to %s (%s) is refused',
    async (_case, ip) => {
      const result = await checkCallbackUrl('https://hooks.example.com/cb', strict, resolvingTo([ip]));
      expect(result).toEqual({
        field: 'callbackUrl',
        code: 'PARAMETER_INVALID',
        message: expect.stringMatching(/^callbackUrl host must not be /),
      });
    },
  );

  it.each(refusedWhateverTheSetting.filter(([, ip]) => ip.includes(':')))(
    'the literal URL http://[%s] form (%s) is refused',
    async (_case, ip) => {
      const result = await checkCallbackUrl(`http://[${ip}]:8080/cb`, lenient, resolvingTo(['93.184.216.34']));
      expect(result).toMatchObject({ field: 'callbackUrl', code: 'PARAMETER_INVALID' });
    },
  );

  it.each([
    ['decimal', 'http://3232235521/'],
    ['hex', 'http://0xc0.0xa8.0.1/'],
    ['short', 'http://192.168.1/'],
    ['octal', 'http://0300.0250.0.1/'],
  ])('an IPv4 literal in %s form is normalised by the URL parser and refused (%s)', async (_case, raw) => {
    const result = await checkCallbackUrl(raw, strict, resolvingTo(['93.184.216.34']));
    expect(result).toMatchObject({ code: 'PARAMETER_INVALID', message: expect.stringMatching(/private/) });
  });

  it('every address a name resolves to must pass: one bad one among good ones refuses it', async () => {
    const addresses = ['93.184.216.34', '2a00:1450:4001:82a::200e', '64:ff9b::a9fe:a9fe'];
    expect(await checkCallbackUrl('https://hooks.example.com/cb', strict, resolvingTo(addresses))).toMatchObject({
      code: 'PARAMETER_INVALID',
    });
    expect(await checkCallbackUrl('https://hooks.example.com/cb', strict, resolvingTo(addresses.slice(0, 2)))).toBeInstanceOf(URL);
  });

  it('a name that resolves to no address is refused', async () => {
    expect(await checkCallbackUrl('https://hooks.example.com/cb', strict, resolvingTo([]))).toMatchObject({
      code: 'PARAMETER_INVALID',
      message: 'callbackUrl host resolves to no address',
    });
  });

  it('a lookup that never answers is cut at the timeout with a clear field error', async () => {
    const never: Resolver = () => new Promise<string[]>(() => undefined);
    const started = Date.now();
    const result = await checkCallbackUrl('https://slow.example.com/cb', strict, never, 200);
    const waited = Date.now() - started;
    expect(result).toEqual({ field: 'callbackUrl', code: 'PARAMETER_INVALID', message: 'callbackUrl host did not resolve within 200 ms' });
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(1500);
  });

  it('the default lookup timeout is 2 s', async () => {
    const never: Resolver = () => new Promise<string[]>(() => undefined);
    const started = Date.now();
    expect(await checkCallbackUrl('https://slow.example.com/cb', strict, never)).toMatchObject({
      message: 'callbackUrl host did not resolve within 2000 ms',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1990);
  });

  it('messages do not quote the host back (it may hold anything, digits of a number included)', async () => {
    const result = await checkCallbackUrl('https://491701234567.example.com/cb', strict, async () => {
      throw new Error('ENOTFOUND');
    });
    expect(JSON.stringify(result)).not.toContain('491701234567');
  });
});

import { describe, expect, it } from '@jest/globals';
import { blockedAddressReason, checkCallbackUrl } from './callback-url.policy.js';

const strict = { allowPrivate: false };
const lenient = { allowPrivate: true };

describe('blockedAddressReason', () => {
  it.each(['169.254.169.254', '169.254.1.1', 'fe80::1', '::ffff:169.254.169.254', '0.0.0.0', '224.0.0.1', 'fd00:ec2::254'])('always blocks %s', (ip) => {
    expect(blockedAddressReason(ip, lenient)).toBeDefined();
  });
  it.each(['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.0.10', '::1', 'fd12::1', '100.64.0.1'])('blocks private %s unless allowed', (ip) => {
    expect(blockedAddressReason(ip, strict)).toMatch(/private/);
    expect(blockedAddressReason(ip, lenient)).toBeUndefined();
  });
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

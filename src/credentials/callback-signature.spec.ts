import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { SigningSecretError, newWebhookId, parseSigningSecrets, signWebhook, verifyWebhook } from './callback-signature.js';

const BODY = '{"decisionId":"dec_1","outcome":"DENY"}';
const NOW = 1_700_000_000;

describe('Standard Webhooks signatures', () => {
  it('matches the published example of the Standard Webhooks / Svix documentation', () => {
    const keys = parseSigningSecrets('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    const headers = signWebhook(keys, 'msg_p5jXN8AQM9LWM0D4loKWxJek', '{"test": 2432232314}', 1614265330);
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs with two secrets at once, and each verifies alone (ours, the library, and HMAC from the spec)', () => {
    const current = `whsec_${Buffer.from('a-brand-new-signing-key-of-32-bytes').toString('base64')}`;
    const previous = 'the-previous-raw-signing-secret-32+bytes';
    const keys = parseSigningSecrets(`${current}, ${previous}`);
    expect(keys.map((k) => k.label)).toEqual(['current', 'previous']);
    const now = Math.floor(Date.now() / 1000);
    const headers = signWebhook(keys, 'msg_rotation', BODY, now);
    const entries = headers['webhook-signature']!.split(' ');
    expect(entries).toHaveLength(2);

    expect(verifyWebhook(parseSigningSecrets(current), BODY, headers, 300, now)).toBe(true);
    expect(verifyWebhook(parseSigningSecrets(previous), BODY, headers, 300, now)).toBe(true);
    expect(verifyWebhook(parseSigningSecrets('someone-elses-secret'), BODY, headers, 300, now)).toBe(false);

    expect(new Webhook(current).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(new Webhook(previous, { format: 'raw' }).verify(BODY, headers)).toEqual(JSON.parse(BODY));
    expect(() => new Webhook('someone-elses-secret', { format: 'raw' }).verify(BODY, headers)).toThrow('No matching signature');

    // the spec by hand: base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" under the key bytes
    const byHand = (key: Buffer) => 'v1,' + createHmac('sha256', key).update(`msg_rotation.${now}.${BODY}`).digest('base64');
    expect(entries).toEqual([byHand(Buffer.from('a-brand-new-signing-key-of-32-bytes')), byHand(Buffer.from(previous))]);
  });

  it('refuses an altered body, another id, a stale or future timestamp and missing headers', () => {
    const keys = parseSigningSecrets('a-raw-secret-for-the-refusal-cases');
    const headers = signWebhook(keys, 'msg_1', BODY, NOW);
    expect(verifyWebhook(keys, BODY, headers, 300, NOW + 299)).toBe(true);
    expect(verifyWebhook(keys, BODY.replace('DENY', 'ALLOW'), headers, 300, NOW)).toBe(false);
    expect(verifyWebhook(keys, BODY, { ...headers, 'webhook-id': 'msg_2' }, 300, NOW)).toBe(false);
    expect(verifyWebhook(keys, BODY, headers, 300, NOW + 301)).toBe(false);
    expect(verifyWebhook(keys, BODY, headers, 300, NOW - 301)).toBe(false);
    expect(verifyWebhook(keys, BODY, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW) }, 300, NOW)).toBe(false);
    expect(verifyWebhook(keys, BODY, { ...headers, 'webhook-signature': 'v2,' + headers['webhook-signature']!.slice(3) }, 300, NOW)).toBe(
      false,
    );
    const upperCase = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook(keys, BODY, upperCase, 300, NOW)).toBe(true);
  });

  it('makes a new webhook id each time', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newWebhookId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
  });
});

describe('parseSigningSecrets', () => {
  it('takes whsec_ secrets as base64 key bytes and raw secrets as their ASCII bytes', () => {
    expect(parseSigningSecrets(`whsec_${Buffer.from([1, 2, 3, 250]).toString('base64')}`)[0]!.bytes).toEqual(Buffer.from([1, 2, 3, 250]));
    expect(parseSigningSecrets('plain:text/secret')[0]!.bytes.toString('ascii')).toBe('plain:text/secret');
    expect(parseSigningSecrets('  one\n two ').map((k) => k.bytes.toString())).toEqual(['one', 'two']);
  });

  it.each([
    ['', 'is empty'],
    ['a b c', 'holds 3 secrets'],
    ['whsec_not*base64', 'not base64'],
    ['whsec_abc', 'not base64'],
    ['sécret', 'outside printable ASCII'],
  ])('refuses %j (%s) without echoing it', (spec, message) => {
    expect(() => parseSigningSecrets(spec)).toThrow(SigningSecretError);
    expect(() => parseSigningSecrets(spec)).toThrow(message);
    try {
      parseSigningSecrets(spec);
    } catch (err) {
      if (spec.length > 3) expect((err as Error).message).not.toContain(spec);
    }
  });
});

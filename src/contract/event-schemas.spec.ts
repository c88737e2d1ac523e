import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { validateEvent } from './event-validation.js';

// The JSON Schema files are the contract published to producers; this keeps them honest against
// the class-validator contract the consumer enforces: same verdict on every sample.
const schema = (name: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../schemas/${name}`, import.meta.url)), 'utf8')) as object;
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
const login = ajv.compile(schema('login-event.v1.schema.json'));
const transaction = ajv.compile(schema('transaction-event.v1.schema.json'));
const bySchema = (e: Record<string, unknown>) => (e.type === 'login' ? login(e) : e.type === 'transaction' ? transaction(e) : false);

const loginOk = { eventId: 'e-1', type: 'login', occurredAt: '2026-11-21T10:00:00Z', accountId: 'a', phoneNumber: '+491701234567' };
const txOk = { ...loginOk, type: 'transaction', amount: { value: '10.50', currency: 'EUR' } };

const samples: [string, Record<string, unknown>][] = [
  ['minimal login', loginOk],
  ['full login', { ...loginOk, channel: 'call_center', ipAddress: '2001:db8::1', deviceId: 'd-1', otpChannel: 'app', extra: 1 }],
  ['minimal transaction', txOk],
  ['numeric amount', { ...txOk, amount: { value: 99, currency: 'USD' }, transactionType: 'card', beneficiaryIsNew: false }],
  ['bad phone', { ...loginOk, phoneNumber: '+0123' }],
  ['long eventId', { ...loginOk, eventId: 'x'.repeat(129) }],
  ['eventId with a space', { ...loginOk, eventId: 'a b' }],
  ['bad date', { ...loginOk, occurredAt: '21/11/2026' }],
  ['missing accountId', { ...loginOk, accountId: undefined }],
  ['unknown channel', { ...loginOk, channel: 'pigeon' }],
  ['bad ip', { ...loginOk, ipAddress: 'localhost' }],
  ['missing amount', { ...txOk, amount: undefined }],
  ['negative amount', { ...txOk, amount: { value: -1, currency: 'EUR' } }],
  ['amount as words', { ...txOk, amount: { value: 'ten', currency: 'EUR' } }],
  ['lower-case currency', { ...txOk, amount: { value: '1', currency: 'eur' } }],
  ['beneficiaryIsNew as string', { ...txOk, beneficiaryIsNew: 'true' }],
  ['unknown type', { ...loginOk, type: 'refund' }],
  // issue 8 part 7 and its neighbours
  ['amount as an empty array', { ...txOk, amount: [] }],
  ['amount as an array of an amount', { ...txOk, amount: [{ value: '1', currency: 'EUR' }] }],
  ['impossible date', { ...loginOk, occurredAt: '2026-02-30T10:00:00Z' }],
  ['29 February of a common year', { ...loginOk, occurredAt: '2026-02-29T10:00:00Z' }],
  ['29 February of a leap year', { ...loginOk, occurredAt: '2028-02-29T10:00:00Z' }],
  ['date only', { ...loginOk, occurredAt: '2026-11-21' }],
  ['no zone', { ...loginOk, occurredAt: '2026-11-21T10:00:00' }],
  ['offset without colon', { ...loginOk, occurredAt: '2026-11-21T10:00:00+0100' }],
  ['hour-only offset', { ...loginOk, occurredAt: '2026-11-21T10:00:00+01' }],
  ['lower-case t and z', { ...loginOk, occurredAt: '2026-11-21t10:00:00z' }],
  ['space separator', { ...loginOk, occurredAt: '2026-11-21 10:00:00Z' }],
  ['hour 24', { ...loginOk, occurredAt: '2026-11-21T24:00:00Z' }],
  ['leap second', { ...loginOk, occurredAt: '2016-12-31T23:59:60Z' }],
  ['offset +24:00', { ...loginOk, occurredAt: '2026-11-21T10:00:00+24:00' }],
  ['nanoseconds and an offset', { ...loginOk, occurredAt: '2026-11-21T10:00:00.123456789+05:30' }],
  ['offset -00:00', { ...loginOk, occurredAt: '2026-11-21T10:00:00-00:00' }],
  ['far future', { ...loginOk, occurredAt: '9999-12-31T23:59:59Z' }],
  ['amount "1e400"', { ...txOk, amount: { value: '1e400', currency: 'EUR' } }],
  ['amount with 23 integer digits', { ...txOk, amount: { value: '99999999999999999999999.99', currency: 'EUR' } }],
  ['amount 1e15 as a number', { ...txOk, amount: { value: 1e15, currency: 'EUR' } }],
  ['amount with leading zeros', { ...txOk, amount: { value: '007.50', currency: 'EUR' } }],
  ['zero amount', { ...txOk, amount: { value: '0', currency: 'EUR' } }],
  ['zero amount as a number', { ...txOk, amount: { value: 0, currency: 'EUR' } }],
  ['accountId with a newline', { ...loginOk, accountId: 'a\nb' }],
  ['accountId with a bidi override', { ...loginOk, accountId: 'a\u202eb' }],
  ['accountId as a lone surrogate', { ...loginOk, accountId: '\ud800' }],
  ['accountId in Cyrillic', { ...loginOk, accountId: 'счёт-42' }],
  ['deviceId with NUL', { ...loginOk, deviceId: 'd\u0000' }],
  ['beneficiaryId with a tab', { ...txOk, beneficiaryId: 'b\t1' }],
  ['phone with spaces', { ...loginOk, phoneNumber: '+49 170 1234567' }],
  ['phone with 00', { ...loginOk, phoneNumber: '00491701234567' }],
  ['ipAddress with a zone id', { ...loginOk, ipAddress: 'fe80::1%eth0' }],
  ['ipAddress IPv4-mapped', { ...loginOk, ipAddress: '::ffff:1.2.3.4' }],
  ['ipAddress with leading zeros', { ...loginOk, ipAddress: '01.1.1.1' }],
];

// JSON Schema cannot say "a binary float that prints as a decimal with at most 6 fractional digits"; the schema
// says it in words and the consumer enforces it. These are the only samples on which the two differ.
const numbersOnlyTheConsumerRefuses: [string, Record<string, unknown>][] = [
  ['1e-7', { ...txOk, amount: { value: 1e-7, currency: 'EUR' } }],
  ['7 decimals', { ...txOk, amount: { value: 1.1234567, currency: 'EUR' } }],
];

describe('JSON Schema files agree with the consumer contract', () => {
  it.each(samples)('%s: same verdict', (_name, sample) => {
    const clean = JSON.parse(JSON.stringify(sample)) as Record<string, unknown>;
    expect(bySchema(clean)).toBe(validateEvent(clean).ok);
  });

  it.each(numbersOnlyTheConsumerRefuses)('known difference, amount %s: the schema accepts, the consumer refuses', (_name, sample) => {
    expect(bySchema(sample)).toBe(true);
    expect(validateEvent(sample).ok).toBe(false);
  });

  it('the schemas’ own examples are valid events', () => {
    for (const file of ['login-event.v1.schema.json', 'transaction-event.v1.schema.json']) {
      for (const example of (schema(file) as { examples: Record<string, unknown>[] }).examples) {
        expect(bySchema(example)).toBe(true);
        expect(validateEvent(example).ok).toBe(true);
      }
    }
  });
});

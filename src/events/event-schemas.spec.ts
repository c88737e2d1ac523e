import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { validateEvent } from './event-validation.js';

// The JSON Schema files are the contract published to producers; this keeps them honest against
// the class-validator contract the consumer enforces: same verdict on every sample.
const schema = (name: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../schemas/${name}`, import.meta.url)), 'utf8')) as object;
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
];

describe('JSON Schema files agree with the consumer contract', () => {
  it.each(samples)('%s: same verdict', (_name, sample) => {
    const clean = JSON.parse(JSON.stringify(sample)) as Record<string, unknown>;
    expect(bySchema(clean)).toBe(validateEvent(clean).ok);
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

import { describe, expect, it } from '@jest/globals';
import { acceptedEvent, validateEventFast } from './compiled-event-validation.js';
import { validateEvent } from './event-validation.js';

const login = { eventId: 'evt-1', type: 'login', occurredAt: '2026-11-21T10:00:00Z', accountId: 'acc-1', phoneNumber: '+491701234567' };
const fullLogin = { ...login, channel: 'mobile', ipAddress: '2001:db8::1', deviceId: 'dev-1', otpChannel: 'sms' };
const tx = { ...login, eventId: 'evt-2', type: 'transaction', amount: { value: '1250.00', currency: 'EUR' } };
const fullTx = { ...tx, transactionType: 'transfer', beneficiaryId: 'ben-1', beneficiaryIsNew: false };

/** Values that exercise every constraint's edges: types, empties, lengths, characters, formats. */
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  0,
  -1,
  1.5,
  1e-7,
  Number.MAX_SAFE_INTEGER,
  true,
  false,
  [],
  ['web'],
  {},
  { value: '1', currency: 'EUR' },
  'x'.repeat(128),
  'x'.repeat(129),
  'x'.repeat(256),
  'x'.repeat(257),
  '😀'.repeat(128),
  '😀'.repeat(129),
  'a\nb',
  'a\u202eb',
  '\ud800',
  'has space',
  'ok.id_1:2-3',
  '+491701234567',
  '+4917',
  '0170123456',
  '2026-11-21T10:00:00Z',
  '2026-11-21T10:00:00.123+01:00',
  '2026-02-30T10:00:00Z',
  '2026-11-21 10:00:00Z',
  'web',
  'call_center',
  'fax',
  'sms',
  'payment',
  'card',
  '10.0.0.1',
  '999.1.1.1',
  'fe80::1%eth0',
  '::1',
  'EUR',
  'eur',
  'EURO',
  'XXX',
  'ABC',
  '1250.00',
  '007',
  '-1',
  '1.1234567',
  '1234567890123456',
  'login',
  'transaction',
];

function mutations(base: Record<string, unknown>, fields: string[]): unknown[] {
  const out: unknown[] = [];
  for (const field of fields) for (const value of ODD_VALUES) out.push({ ...base, [field]: value });
  return out;
}

const amountMutations = ODD_VALUES.flatMap((value) => [
  { ...fullTx, amount: { value, currency: 'EUR' } },
  { ...fullTx, amount: { value: '10', currency: value } },
]);

const corpus: unknown[] = [
  login,
  fullLogin,
  tx,
  fullTx,
  { ...fullTx, amount: { value: 99.5, currency: 'USD' } },
  { ...fullLogin, extra: 'ignored', constructor: 'x' },
  JSON.parse(
    '{"__proto__": {"polluted": true}, "eventId": "e", "type": "login", "occurredAt": "2026-11-21T10:00:00Z", "accountId": "a", "phoneNumber": "+491701234567"}',
  ),
  ...mutations(fullLogin, ['eventId', 'type', 'occurredAt', 'accountId', 'phoneNumber', 'channel', 'ipAddress', 'deviceId', 'otpChannel']),
  ...mutations(fullTx, ['eventId', 'type', 'accountId', 'amount', 'transactionType', 'beneficiaryId', 'beneficiaryIsNew']),
  ...amountMutations,
  null,
  [],
  'login',
  42,
];

describe('compiled event validation agrees with the class-validator contract', () => {
  it(`accepts exactly what the contract accepts, with the same normalised event (${corpus.length} payloads)`, () => {
    let accepted = 0;
    for (const payload of corpus) {
      const contract = validateEvent(payload);
      const compiled = acceptedEvent(payload);
      const label = JSON.stringify(payload);
      if (contract.ok) {
        accepted += 1;
        expect({ label, event: compiled }).toEqual({ label, event: contract.event });
        // key order too: the event is fingerprinted and logged as built
        expect(Object.keys(compiled!)).toEqual(Object.keys(contract.event));
      } else {
        expect({ label, event: compiled }).toEqual({ label, event: undefined });
      }
    }
    // the corpus must exercise both sides
    expect(accepted).toBeGreaterThan(50);
    expect(corpus.length - accepted).toBeGreaterThan(200);
  });

  it('answers a refused event with the contract own error, field for field', () => {
    for (const payload of corpus) expect(validateEventFast(payload)).toEqual(validateEvent(payload));
  });
});

import { describe, expect, it } from '@jest/globals';
import { validateEvent } from './event-validation.js';

const login = { eventId: 'evt-1', type: 'login', occurredAt: '2026-11-21T10:00:00Z', accountId: 'acc-1', phoneNumber: '+491701234567' };
const tx = { ...login, eventId: 'evt-2', type: 'transaction', amount: { value: '1250.00', currency: 'EUR' } };

function detailsOf(payload: unknown) {
  const r = validateEvent(payload);
  if (r.ok) throw new Error('expected invalid');
  return r.error;
}

describe('event contract validation', () => {
  it('accepts a minimal login and strips unknown fields', () => {
    const r = validateEvent({ ...login, channel: 'web', otpChannel: 'sms', extra: 'ignored' });
    expect(r).toEqual({ ok: true, event: { ...login, channel: 'web', otpChannel: 'sms' } });
  });

  it('accepts a transaction with a numeric amount and keeps it as a decimal string', () => {
    const r = validateEvent({ ...tx, amount: { value: 99.5, currency: 'USD' }, transactionType: 'transfer', beneficiaryIsNew: true });
    expect(r.ok && r.event).toMatchObject({ type: 'transaction', amount: { value: '99.5', currency: 'USD' }, beneficiaryIsNew: true });
  });

  it.each([
    [{ ...login, phoneNumber: '0170123' }, 'phoneNumber', 'INVALID_PHONENUMBER_FORMAT'],
    [{ ...login, phoneNumber: '+12345' }, 'phoneNumber', 'INVALID_PHONENUMBER_FORMAT'],
    [{ ...login, phoneNumber: 491701234567 }, 'phoneNumber', 'PARAMETER_INVALID_TYPE'],
    [{ ...login, eventId: undefined }, 'eventId', 'PARAMETER_REQUIRED'],
    [{ ...login, eventId: 'x'.repeat(129) }, 'eventId', 'PARAMETER_TOO_LONG'],
    [{ ...login, eventId: 'has space' }, 'eventId', 'PARAMETER_INVALID'],
    [{ ...login, accountId: '' }, 'accountId', 'PARAMETER_TOO_SHORT'],
    [{ ...login, occurredAt: 'yesterday' }, 'occurredAt', 'INVALID_DATETIME_FORMAT'],
    [{ ...login, channel: 'fax' }, 'channel', 'UNKNOWN_ENUM_VALUE'],
    [{ ...login, ipAddress: '999.1.1.1' }, 'ipAddress', 'PARAMETER_INVALID'],
    [{ ...tx, amount: undefined }, 'amount', 'PARAMETER_REQUIRED'],
    [{ ...tx, amount: '12' }, 'amount', 'PARAMETER_INVALID_TYPE'],
    [{ ...tx, amount: { value: '-1', currency: 'EUR' } }, 'amount.value', 'PARAMETER_INVALID'],
    [{ ...tx, amount: { value: '10', currency: 'EURO' } }, 'amount.currency', 'INVALID_CURRENCY_CODE'],
    [{ ...tx, beneficiaryIsNew: 'yes' }, 'beneficiaryIsNew', 'PARAMETER_INVALID_TYPE'],
  ])('reports %#: %s -> %s', (payload, field, code) => {
    const error = detailsOf(payload);
    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.details).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('reports every failing field at once', () => {
    const error = detailsOf({ type: 'login' });
    expect(error.details.map((d) => d.field).sort()).toEqual(['accountId', 'eventId', 'occurredAt', 'phoneNumber']);
    expect(error.details.every((d) => d.code === 'PARAMETER_REQUIRED')).toBe(true);
  });

  it('rejects an unknown type as UNSUPPORTED_EVENT_TYPE and a missing one as required', () => {
    expect(detailsOf({ ...login, type: 'refund' }).code).toBe('UNSUPPORTED_EVENT_TYPE');
    expect(detailsOf({ ...login, type: undefined }).details[0]).toMatchObject({ field: 'type', code: 'PARAMETER_REQUIRED' });
  });

  it('rejects a payload that is not an object', () => {
    expect(detailsOf([1, 2]).details[0]).toMatchObject({ field: '', code: 'PARAMETER_INVALID_TYPE' });
    expect(detailsOf('login').code).toBe('VALIDATION_ERROR');
  });

  it('never echoes the phone number in messages', () => {
    const error = detailsOf({ ...login, phoneNumber: '+0000000' });
    expect(JSON.stringify(error)).not.toContain('+0000000');
  });
});

// Hostile and odd inputs found in review (issue 8, part 7) and around them: each with its verdict.
describe('event contract edge cases', () => {
  const PHONE_DIGITS = /1701234|491701|7012345/;
  const fieldCodes = (payload: unknown) => detailsOf(payload).details.map((d) => [d.field, d.code]);

  describe('amount must be an object', () => {
    it.each([
      ['[]', []],
      ['an array holding a valid amount', [{ value: '1', currency: 'EUR' }]],
      ['a number', 12],
      ['true', true],
    ])('amount as %s is PARAMETER_INVALID_TYPE with a message that does not talk about arrays', (_case, amount) => {
      const error = detailsOf({ ...tx, amount });
      expect(error.details).toEqual([
        { field: 'amount', code: 'PARAMETER_INVALID_TYPE', message: 'amount must be an object {value, currency}' },
      ]);
    });

    it('amount: null is required', () => {
      expect(fieldCodes({ ...tx, amount: null })).toEqual([['amount', 'PARAMETER_REQUIRED']]);
    });
  });

  describe('occurredAt must be a date-time that exists, in the RFC 3339 ∩ ISO 8601 form', () => {
    it.each([
      ['impossible day', '2026-02-30T10:00:00Z'],
      ['29 February of a common year', '2026-02-29T10:00:00Z'],
      ['31 April', '2026-04-31T10:00:00Z'],
      ['month 13', '2026-13-01T10:00:00Z'],
      ['hour 24', '2026-11-21T24:00:00Z'],
      ['minute 60', '2026-11-21T10:60:00Z'],
      ['leap second', '2016-12-31T23:59:60Z'],
      ['date only', '2026-11-21'],
      ['no zone (local time: ambiguous)', '2026-11-21T10:00:00'],
      ['offset without colon', '2026-11-21T10:00:00+0100'],
      ['hour-only offset', '2026-11-21T10:00:00+01'],
      ['offset of 24 hours', '2026-11-21T10:00:00+24:00'],
      ['lower-case t and z', '2026-11-21t10:00:00z'],
      ['space instead of T', '2026-11-21 10:00:00Z'],
      ['no seconds', '2026-11-21T10:00Z'],
      ['comma fraction', '2026-11-21T10:00:00,5Z'],
      ['expanded year', '+002026-11-21T10:00:00Z'],
      ['"0" (Date.parse: year 2000)', '0'],
      ['"Nov 21" (Date.parse: 21 Nov 2001)', 'Nov 21'],
      ['RFC 2822', 'Sat, 21 Nov 2026 10:00:00 GMT'],
      ['epoch milliseconds as a string', '1795000000000'],
    ])('%s (%s) is INVALID_DATETIME_FORMAT', (_case, occurredAt) => {
      expect(fieldCodes({ ...login, occurredAt })).toEqual([['occurredAt', 'INVALID_DATETIME_FORMAT']]);
    });

    it('a number is a type error', () => {
      expect(fieldCodes({ ...login, occurredAt: 1795000000000 })).toEqual([['occurredAt', 'PARAMETER_INVALID_TYPE']]);
    });

    it.each([
      ['29 February of a leap year', '2028-02-29T00:00:00Z'],
      ['nanoseconds and a half-hour offset', '2026-11-21T10:00:00.123456789+05:30'],
      ['unknown local offset -00:00', '2026-11-21T10:00:00-00:00'],
      // occurredAt only feeds the event-age metric (which skips future values); replays of old events must still
      // be decided, so no window is imposed: see README "Contracts"
      ['far future', '9999-12-31T23:59:59Z'],
      ['far past', '0001-01-01T00:00:00Z'],
    ])('%s (%s) is accepted as sent', (_case, occurredAt) => {
      const r = validateEvent({ ...login, occurredAt });
      expect(r.ok && r.event.occurredAt).toBe(occurredAt);
    });
  });

  describe('amount.value', () => {
    it.each([
      ['"1e400"', '1e400'],
      ['1e400 (JSON.parse makes it Infinity)', JSON.parse('1e400') as number],
      ['"99999999999999999999999.99"', '99999999999999999999999.99'],
      ['99999999999999999999999.99 as a number', JSON.parse('99999999999999999999999.99') as number],
      ['1e15', 1e15],
      ['"-1"', '-1'],
      ['-0.01', -0.01],
      ['leading zeros "007.50"', '007.50'],
      ['7 decimals "1.1234567"', '1.1234567'],
      ['7 decimals as a number', 1.1234567],
      ['1e-7 (would become "1e-7")', 1e-7],
      ['"NaN"', 'NaN'],
      ['empty string', ''],
      ['" 1"', ' 1'],
      ['"1,5"', '1,5'],
      ['"0x10"', '0x10'],
      ['Arabic-Indic digits', '١٢'],
      ['an object', { amount: 1 }],
    ])('%s is PARAMETER_INVALID', (_case, value) => {
      expect(fieldCodes({ ...tx, amount: { value, currency: 'EUR' } })).toEqual([['amount.value', 'PARAMETER_INVALID']]);
    });

    it.each([
      ['"0" (zero: card verifications)', '0', '0'],
      ['0', 0, '0'],
      ['-0', -0, '0'],
      ['"0.00"', '0.00', '0.00'],
      ['the largest', '999999999999999.999999', '999999999999999.999999'],
      ['1250.5', 1250.5, '1250.5'],
    ])('%s is accepted and kept as the decimal string %s', (_case, value, kept) => {
      const r = validateEvent({ ...tx, amount: { value, currency: 'EUR' } });
      expect(r.ok && r.event.type === 'transaction' && r.event.amount.value).toBe(kept);
    });
  });

  it.each([['eur'], ['Eur'], ['EUR '], ['ABC'], ['EU']])('currency %j is INVALID_CURRENCY_CODE', (currency) => {
    expect(fieldCodes({ ...tx, amount: { value: '1', currency } })).toEqual([['amount.currency', 'INVALID_CURRENCY_CODE']]);
  });

  describe('ids', () => {
    it.each([
      ['eventId with a newline', { eventId: 'evt\n1' }, 'eventId', 'PARAMETER_INVALID'],
      ['eventId with NUL', { eventId: 'evt\u00001' }, 'eventId', 'PARAMETER_INVALID'],
      ['eventId in another script', { eventId: 'évt-1' }, 'eventId', 'PARAMETER_INVALID'],
      ['eventId of 100 000 characters', { eventId: 'e'.repeat(100_000) }, 'eventId', 'PARAMETER_TOO_LONG'],
      ['accountId with a newline (log injection)', { accountId: 'acc-1\n{"level":50}' }, 'accountId', 'PARAMETER_INVALID'],
      ['accountId with a bidi override', { accountId: 'acc-\u202e1' }, 'accountId', 'PARAMETER_INVALID'],
      ['accountId with a zero-width space', { accountId: 'acc\u200b-1' }, 'accountId', 'PARAMETER_INVALID'],
      ['accountId with DEL', { accountId: 'acc\u007f' }, 'accountId', 'PARAMETER_INVALID'],
      ['accountId with a C1 control', { accountId: 'acc\u0085' }, 'accountId', 'PARAMETER_INVALID'],
      ['accountId as a lone surrogate', { accountId: '\ud800' }, 'accountId', 'PARAMETER_INVALID'],
      ['accountId of 129 characters', { accountId: 'a'.repeat(129) }, 'accountId', 'PARAMETER_TOO_LONG'],
      ['accountId as a number', { accountId: 42 }, 'accountId', 'PARAMETER_INVALID_TYPE'],
      ['deviceId with NUL', { deviceId: 'd\u0000' }, 'deviceId', 'PARAMETER_INVALID'],
      ['ipAddress with a zone id', { ipAddress: 'fe80::1%eth0' }, 'ipAddress', 'PARAMETER_INVALID'],
      ['ipAddress with a trailing space', { ipAddress: '1.1.1.1 ' }, 'ipAddress', 'PARAMETER_INVALID'],
    ])('%s: %s', (_case, change, field, code) => {
      expect(fieldCodes({ ...login, ...change })).toEqual([[field, code]]);
    });

    it('beneficiaryId with a tab is refused', () => {
      expect(fieldCodes({ ...tx, beneficiaryId: 'b\t1' })).toEqual([['beneficiaryId', 'PARAMETER_INVALID']]);
    });

    it.each([['счёт-42'], ['客户-1'], ['acc 42'], ['🦊-1']])(
      'accountId %j (letters of any script, spaces, emoji) is accepted',
      (accountId) => {
        const r = validateEvent({ ...login, accountId });
        expect(r.ok && r.event.accountId).toBe(accountId);
      },
    );
  });

  describe('phoneNumber is strict E.164, and never repeated in a message', () => {
    it.each([
      ['spaces', '+49 170 1234567'],
      ['dashes', '+49-170-1234567'],
      ['00 prefix', '00491701234567'],
      ['no plus', '491701234567'],
      ['trailing newline', '+491701234567\n'],
      ['16 digits', '+4917012345678901'],
      ['full-width plus', '＋491701234567'],
      ['Arabic-Indic digits', '+٤٩١٧٠١٢٣٤٥٦٧'],
      ['leading zero country code', '+0491701234567'],
    ])('%s is INVALID_PHONENUMBER_FORMAT', (_case, phoneNumber) => {
      const error = detailsOf({ ...login, phoneNumber });
      expect(error.details).toEqual([expect.objectContaining({ field: 'phoneNumber', code: 'INVALID_PHONENUMBER_FORMAT' })]);
      expect(JSON.stringify(error)).not.toMatch(PHONE_DIGITS);
    });

    it('a phone number sent as the type is not echoed by UNSUPPORTED_EVENT_TYPE', () => {
      const error = detailsOf({ ...login, type: '+491701234567' });
      expect(error.code).toBe('UNSUPPORTED_EVENT_TYPE');
      expect(error.message).toBe('Unsupported event type');
      expect(JSON.stringify(error)).not.toMatch(PHONE_DIGITS);
      expect(detailsOf({ ...login, type: 491701234567 }).message).toBe('Unsupported event type');
      expect(detailsOf({ ...login, type: 'refund' }).message).toBe('Unsupported event type "refund"');
    });

    it('no message names a value of any failing field', () => {
      const everythingWrong = {
        eventId: '+491701234567 x',
        type: 'transaction',
        occurredAt: '+491701234567',
        accountId: '\n+491701234567',
        phoneNumber: '491701234567',
        amount: { value: '491701234567.1234567', currency: '491' },
        transactionType: '491701234567',
        beneficiaryId: '\t491701234567',
        beneficiaryIsNew: '491701234567',
      };
      const error = detailsOf(everythingWrong);
      expect(error.details).toHaveLength(9);
      expect(JSON.stringify(error)).not.toMatch(PHONE_DIGITS);
    });

    it('messages quote no value at all, digits or not (the digit mask is only a backstop)', () => {
      const MARK = 'Zq-marker';
      const error = detailsOf({
        ...tx,
        eventId: `${MARK} `,
        occurredAt: MARK,
        accountId: `\n${MARK}`,
        phoneNumber: MARK,
        amount: { value: MARK, currency: MARK },
        transactionType: MARK,
        beneficiaryId: `\t${MARK}`,
        beneficiaryIsNew: MARK,
      });
      expect(error.details).toHaveLength(9);
      const loginError = detailsOf({ ...login, channel: MARK, ipAddress: MARK, deviceId: `\u0000${MARK}`, otpChannel: MARK });
      expect(loginError.details).toHaveLength(4);
      expect(JSON.stringify([error, loginError])).not.toContain(MARK);
    });

    it('nor on a login: every login field wrong, each holding the number', () => {
      const loginWrong = {
        ...login,
        eventId: 491701234567,
        accountId: ['+491701234567'],
        phoneNumber: { number: '+491701234567' },
        channel: '+491701234567',
        ipAddress: '+491701234567',
        deviceId: '\u0000+491701234567',
        otpChannel: '+491701234567',
      };
      const error = detailsOf(loginWrong);
      expect(error.details.map((d) => d.field).sort()).toEqual([
        'accountId',
        'channel',
        'deviceId',
        'eventId',
        'ipAddress',
        'otpChannel',
        'phoneNumber',
      ]);
      expect(JSON.stringify(error)).not.toMatch(PHONE_DIGITS);
    });
  });

  describe('prototype pollution and unexpected keys', () => {
    it('a __proto__ key holding every field does not count as sending them, and pollutes nothing', () => {
      const payload = JSON.parse(`{"type":"login","__proto__":${JSON.stringify({ ...login, polluted: true })}}`) as unknown;
      expect(fieldCodes(payload)).toEqual([
        ['eventId', 'PARAMETER_REQUIRED'],
        ['occurredAt', 'PARAMETER_REQUIRED'],
        ['accountId', 'PARAMETER_REQUIRED'],
        ['phoneNumber', 'PARAMETER_REQUIRED'],
      ]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('__proto__ inside amount does not supply value or currency', () => {
      const payload = JSON.parse(
        `{${JSON.stringify(tx)
          .slice(1, -1)
          .replace(/"amount":\{[^}]*\}/, '"amount":{"__proto__":{"value":"1","currency":"EUR"}}')}}`,
      ) as unknown;
      expect(fieldCodes(payload)).toEqual([
        ['amount.value', 'PARAMETER_REQUIRED'],
        ['amount.currency', 'PARAMETER_REQUIRED'],
      ]);
    });

    it('constructor / prototype keys and unknown fields are ignored and left out of the event', () => {
      const payload = JSON.parse(
        `{${JSON.stringify(login).slice(1, -1)},"constructor":{"prototype":{"polluted":true}},"prototype":{"x":1},"+491701234567":true}`,
      ) as unknown;
      const r = validateEvent(payload);
      expect(r).toEqual({ ok: true, event: login });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('duplicate keys: JSON.parse keeps the last one on every transport, so the last one is judged', () => {
      const raw = `{${JSON.stringify(login).slice(1, -1)},"phoneNumber":"not a number"}`;
      expect(fieldCodes(JSON.parse(raw))).toEqual([['phoneNumber', 'INVALID_PHONENUMBER_FORMAT']]);
    });
  });
});

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

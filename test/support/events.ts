// The one family of event builders for the end-to-end and API tests: JSON payloads as a producer or client sends
// them (the scoring specs' typed RiskEvents are in test/fixtures/scoring-fixtures.ts).

const LOGIN = {
  eventId: 'evt-login-1',
  type: 'login',
  occurredAt: '2026-11-21T10:15:00Z',
  accountId: 'acc-1',
  phoneNumber: '+491701234567',
  channel: 'mobile',
};

const TRANSACTION = {
  eventId: 'evt-tx-1',
  type: 'transaction',
  occurredAt: '2026-11-21T10:16:00Z',
  accountId: 'acc-1',
  phoneNumber: '+491701234562',
  amount: { value: '1250.00', currency: 'EUR' },
  transactionType: 'transfer',
};

/** A valid login payload with fixed values; `overrides` adds or replaces fields. */
export function loginPayload(overrides: Record<string, unknown> = {}) {
  return { ...LOGIN, ...overrides };
}

/** A valid transaction payload with fixed values; `overrides` adds or replaces fields. */
export function transactionPayload(overrides: Record<string, unknown> = {}) {
  return { ...TRANSACTION, amount: { ...TRANSACTION.amount }, ...overrides };
}

let seq = 0;

/** A fresh login event for a pipeline test: unique eventId, occurred now, one of 17 accounts. */
export function loginEvent(phoneNumber: string, overrides: Record<string, unknown> = {}) {
  seq += 1;
  return {
    ...LOGIN,
    eventId: `login-${process.pid}-${Date.now()}-${seq}`,
    occurredAt: new Date().toISOString(),
    accountId: `acc-${seq % 17}`,
    phoneNumber,
    channel: 'web',
    ...overrides,
  };
}

/** A fresh transaction event for a pipeline test: unique eventId, occurred now, one of 17 accounts. */
export function transactionEvent(phoneNumber: string, amount = '120.00', overrides: Record<string, unknown> = {}) {
  seq += 1;
  return {
    ...TRANSACTION,
    eventId: `tx-${process.pid}-${Date.now()}-${seq}`,
    occurredAt: new Date().toISOString(),
    accountId: `acc-${seq % 17}`,
    phoneNumber,
    amount: { value: amount, currency: 'EUR' },
    ...overrides,
  };
}

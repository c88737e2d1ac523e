let seq = 0;

export function loginEvent(phoneNumber: string, overrides: Record<string, unknown> = {}) {
  seq += 1;
  return {
    eventId: `login-${process.pid}-${Date.now()}-${seq}`,
    type: 'login',
    occurredAt: new Date().toISOString(),
    accountId: `acc-${seq % 17}`,
    phoneNumber,
    channel: 'web',
    ...overrides,
  };
}

export function transactionEvent(phoneNumber: string, amount = '120.00', overrides: Record<string, unknown> = {}) {
  seq += 1;
  return {
    eventId: `tx-${process.pid}-${Date.now()}-${seq}`,
    type: 'transaction',
    occurredAt: new Date().toISOString(),
    accountId: `acc-${seq % 17}`,
    phoneNumber,
    amount: { value: amount, currency: 'EUR' },
    transactionType: 'transfer',
    ...overrides,
  };
}

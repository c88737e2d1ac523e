// Builders shared by the scoring specs: events, signal results and a fixed clock (UTC).
import type { LoginEvent, TransactionEvent } from '../domain/risk-event.js';
import type { SignalResult, SignalSet } from '../domain/signal-result.js';

export const NOW = new Date(Date.UTC(2026, 10, 21, 12, 0, 0));
export const PHONE = '+491701234567';
export const MINUTE = 1;
export const HOUR = 60;
export const DAY = 24 * HOUR;

export function minutesBefore(now: Date, minutes: number): string {
  return new Date(now.getTime() - minutes * 60_000).toISOString();
}

export function loginEvent(overrides: Partial<LoginEvent> = {}): LoginEvent {
  return {
    type: 'login',
    eventId: 'evt-login-1',
    occurredAt: NOW.toISOString(),
    accountId: 'acc-1',
    phoneNumber: PHONE,
    channel: 'web',
    ...overrides,
  };
}

export function transactionEvent(value = '50.00', overrides: Partial<TransactionEvent> = {}): TransactionEvent {
  return {
    type: 'transaction',
    eventId: 'evt-tx-1',
    occurredAt: NOW.toISOString(),
    accountId: 'acc-1',
    phoneNumber: PHONE,
    amount: { value, currency: 'EUR' },
    transactionType: 'payment',
    ...overrides,
  };
}

type Swap = SignalResult<'simSwap'>;
export const swap = {
  none: (): Swap => ({ status: 'OK', value: { latestChange: null } }),
  ago: (minutes: number, now = NOW): Swap => ({ status: 'OK', value: { latestChange: minutesBefore(now, minutes) } }),
  at: (iso: string): Swap => ({ status: 'OK', value: { latestChange: iso } }),
  within: (swapped: boolean, maxAgeMinutes = 1440): Swap => ({ status: 'OK', value: { swappedWithin: { swapped, maxAgeMinutes } } }),
  notFound: (): Swap => ({ status: 'NOT_FOUND' }),
  unavailable: (): Swap => ({ status: 'UNAVAILABLE', reason: 'timeout' }),
  skipped: (): Swap => ({ status: 'SKIPPED' }),
};

type Forwarding = SignalResult<'callForwarding'>;
export const forwarding = {
  active: (): Forwarding => ({ status: 'OK', value: { active: true } }),
  inactive: (): Forwarding => ({ status: 'OK', value: { active: false } }),
  notFound: (): Forwarding => ({ status: 'NOT_FOUND' }),
  unavailable: (): Forwarding => ({ status: 'UNAVAILABLE', reason: 'http_5xx' }),
};

/** Every check answered clean unless overridden. */
export function signalSet(overrides: Partial<SignalSet> = {}): SignalSet {
  return { simSwap: swap.none(), deviceSwap: swap.none(), callForwarding: forwarding.inactive(), ...overrides };
}

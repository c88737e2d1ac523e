import { sampleEvent, samplePopulation, type SubscriberState } from '../lib/sample-events.js';

/** One event as produced to Kafka: its topic kind, key and JSON value. */
export interface BenchEvent {
  eventId: string;
  type: 'login' | 'transaction';
  key: string;
  value: string;
}

/**
 * A number no earlier event of the run used: with the cache off every event then costs all three
 * upstream checks. Numbers are +49 15x plus 8 digits (E.164, 13 digits); `block` separates workloads.
 */
export function uniquePhoneNumber(block: number, i: number): string {
  return `+4915${block}${String(i).padStart(8, '0')}`;
}

/** A transaction needs all three checks under the default policy (simSwap date, deviceSwap date, call forwarding). */
export function transactionEvent(eventId: string, phoneNumber: string, i: number): BenchEvent {
  const accountId = `acc-${i}`;
  const value = {
    eventId,
    type: 'transaction',
    occurredAt: new Date().toISOString(),
    accountId,
    phoneNumber,
    amount: { value: (5 + ((i * 37) % 400)).toFixed(2), currency: 'EUR' },
    transactionType: 'payment',
  };
  return { eventId, type: 'transaction', key: accountId, value: JSON.stringify(value) };
}

/** The no-cache workload: n transactions, each on its own phone number. */
export function uniqueTransactions(n: number, tag: string, block: number): BenchEvent[] {
  return Array.from({ length: n }, (_, i) => transactionEvent(`${tag}-${i}`, uniquePhoneNumber(block, i), i));
}

/**
 * The realistic workload: logins and transactions (one in three a login) over `numbers` customers,
 * each number seen events/numbers times, a few of them swapped, forwarded or unknown to the network.
 */
export function realisticWorkload(
  n: number,
  numbers: number,
  tag: string,
): { events: BenchEvent[]; subscribers: Record<string, SubscriberState> } {
  const { phones, states } = samplePopulation(numbers);
  const events = Array.from({ length: n }, (_, i) => {
    const event: Record<string, unknown> = { ...sampleEvent(phones, i), eventId: `${tag}-${i}` };
    const type: BenchEvent['type'] = event.type === 'login' ? 'login' : 'transaction';
    return { eventId: `${tag}-${i}`, type, key: String(event.accountId), value: JSON.stringify(event) };
  });
  return { events, subscribers: states };
}

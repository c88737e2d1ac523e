import { randomUUID } from 'node:crypto';

export interface SubscriberState {
  simSwappedAt?: string | null;
  deviceSwappedAt?: string | null;
  callForwardingActive?: boolean;
  known?: boolean;
}

const ago = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();

/** A realistic population: mostly clean numbers, a few swapped, forwarded or unknown to the network. */
export function samplePopulation(size: number): { phones: string[]; states: Record<string, SubscriberState> } {
  const phones = Array.from({ length: size }, (_, i) => `+4917${String(20000000 + i * 7919).slice(0, 8)}`);
  const states: Record<string, SubscriberState> = {};
  phones.forEach((phone, i) => {
    if (i % 23 === 1) states[phone] = { simSwappedAt: ago(2), callForwardingActive: true };
    else if (i % 19 === 2) states[phone] = { simSwappedAt: ago(5) };
    else if (i % 17 === 3) states[phone] = { simSwappedAt: ago(72) };
    else if (i % 13 === 4) states[phone] = { callForwardingActive: true };
    else if (i % 11 === 5) states[phone] = { deviceSwappedAt: ago(10) };
    else if (i % 29 === 6) states[phone] = { simSwappedAt: ago(8), deviceSwappedAt: ago(8) };
    else if (i % 31 === 7) states[phone] = { known: false };
  });
  return { phones, states };
}

/** One login or transaction event; amounts mostly small with a tail above the high-value threshold. */
export function sampleEvent(phones: string[], i: number): Record<string, unknown> {
  const phoneNumber = phones[(i * 31) % phones.length];
  const accountId = `acc-${(i * 31) % phones.length}`;
  const base = { eventId: `demo-${randomUUID()}`, occurredAt: new Date().toISOString(), accountId, phoneNumber };
  if (i % 3 === 0) {
    return { ...base, type: 'login', channel: i % 2 ? 'mobile' : 'web', otpChannel: 'sms' };
  }
  const value = i % 10 === 0 ? (1500 + (i % 5) * 700).toFixed(2) : (5 + ((i * 37) % 400)).toFixed(2);
  return {
    ...base,
    type: 'transaction',
    amount: { value, currency: 'EUR' },
    transactionType: i % 4 === 0 ? 'transfer' : 'payment',
    beneficiaryIsNew: i % 7 === 0,
  };
}

/**
 * What the demo's fraud team later learns about an event (its labels): account take-overs behind fresh SIM swaps are
 * fraud; so is a transfer a few days after a SIM swap (the fraudster waited out the 24 h band); forwarding alone or a
 * new phone is a customer's own doing; and now and then a scam on a clean number moves money the network cannot see.
 */
export function groundTruth(state: SubscriberState | undefined, event: Record<string, unknown>, now = Date.now()): 'fraud' | 'legit' {
  const hoursSince = (at: string | null | undefined) => (at ? (now - Date.parse(at)) / 3600_000 : undefined);
  const sim = hoursSince(state?.simSwappedAt);
  const transaction = event.type === 'transaction';
  if (sim !== undefined && sim < 24) return 'fraud';
  if (sim !== undefined && sim < 7 * 24 && transaction && (event.beneficiaryIsNew === true || event.transactionType === 'transfer'))
    return 'fraud';
  const amount = transaction ? Number((event.amount as { value: string }).value) : 0;
  if (!state && transaction && event.beneficiaryIsNew === true && amount >= 1000) return 'fraud';
  return 'legit';
}

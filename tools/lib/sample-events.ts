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

import { describe, expect, it } from '@jest/globals';
import { DEVELOPMENT_DECISION_ID_SECRET, DecisionIds, decisionIdFor } from './decision-id.js';
import { eventFingerprint } from './event-fingerprint.js';
import type { RiskEvent } from '../domain/risk-event.js';
import { createHash } from 'node:crypto';

describe('decisionIdFor', () => {
  it('is deterministic: the same secret, tenant and event id give the same id', () => {
    expect(decisionIdFor('s1', 'acme', 'evt-1')).toBe(decisionIdFor('s1', 'acme', 'evt-1'));
    expect(decisionIdFor('s1', 'acme', 'evt-1')).toMatch(/^dec_[A-Za-z0-9_-]{26}$/);
  });

  it('depends on the secret, so it cannot be computed without it', () => {
    expect(decisionIdFor('s1', 'acme', 'evt-1')).not.toBe(decisionIdFor('s2', 'acme', 'evt-1'));
    // the old unkeyed scheme: anyone could compute it from the event id
    const unkeyed = 'dec_' + createHash('sha256').update('riskwire/decision/v1\0evt-1').digest('base64url').slice(0, 26);
    expect(decisionIdFor('s1', 'acme', 'evt-1')).not.toBe(unkeyed);
  });

  it('separates tenants, and tenant/event-id boundaries cannot be shifted', () => {
    expect(decisionIdFor('s1', 'acme', 'evt-1')).not.toBe(decisionIdFor('s1', 'globex', 'evt-1'));
    expect(decisionIdFor('s1', 'a', 'bc')).not.toBe(decisionIdFor('s1', 'ab', 'c'));
    expect(decisionIdFor('s1', 'acme', 'evt-1')).not.toBe(decisionIdFor('s1', 'acme', 'evt-2'));
  });

  it('DecisionIds uses DECISION_ID_SECRET, or the public development key when it is unset', () => {
    expect(new DecisionIds({ decisions: { idSecret: 'configured' } }).idFor('t', 'e')).toBe(decisionIdFor('configured', 't', 'e'));
    expect(new DecisionIds({ decisions: {} }).idFor('t', 'e')).toBe(decisionIdFor(DEVELOPMENT_DECISION_ID_SECRET, 't', 'e'));
  });
});

describe('eventFingerprint', () => {
  const event: RiskEvent = {
    eventId: 'e',
    type: 'transaction',
    occurredAt: '2026-11-21T10:00:00Z',
    accountId: 'a',
    phoneNumber: '+491701234567',
    amount: { value: '10.00', currency: 'EUR' },
  };

  it('is the same whatever the key order, and differs when any field differs', () => {
    const reordered = Object.fromEntries(Object.entries(event).reverse()) as unknown as RiskEvent;
    expect(eventFingerprint(reordered)).toBe(eventFingerprint(event));
    expect(eventFingerprint({ ...event, amount: { value: '10.01', currency: 'EUR' } })).not.toBe(eventFingerprint(event));
    expect(eventFingerprint({ ...event, accountId: 'b' })).not.toBe(eventFingerprint(event));
    expect(eventFingerprint({ ...event, beneficiaryIsNew: false })).not.toBe(eventFingerprint(event));
  });
});

import { describe, expect, it } from '@jest/globals';
import type { Decision } from '../../domain/decision.js';
import { decisionToMessage } from './grpc-mapping.js';

const decision: Decision = {
  decisionId: 'dec_AAAAAAAAAAAAAAAAAAAAAAAAAA',
  eventId: 'evt-1',
  eventType: 'login',
  accountId: 'acc-1',
  score: 100,
  outcome: 'ALLOW',
  reasons: [{ code: 'LIST_DENY_MATCH', points: 100, message: 'The account is on the deny list' }],
  avoidOtpChannels: [],
  degraded: false,
  policyVersion: 'v1',
  signals: { simSwap: { status: 'SKIPPED' }, deviceSwap: { status: 'SKIPPED' }, callForwarding: { status: 'SKIPPED' } },
  decidedAt: '2026-12-01T02:00:00.000Z',
  evidence: { occurredAt: '2026-12-01T01:59:59.000Z' },
  latencyMs: 3,
};

describe('decisionToMessage and the policy mode', () => {
  it('carries proposedOutcome (monitor mode) with the enum prefix', () => {
    expect(decisionToMessage({ ...decision, proposedOutcome: 'DENY' })).toMatchObject({
      outcome: 'OUTCOME_ALLOW',
      proposedOutcome: 'OUTCOME_DENY',
    });
  });

  it('leaves it unset in enforce mode', () => {
    expect(decisionToMessage(decision)).not.toHaveProperty('proposedOutcome');
  });
});

describe('decisionToMessage: signals', () => {
  it('carries the answering provider of each signal (riskwire.v1.Signal.provider), none for a skipped one', () => {
    const decision = {
      decisionId: 'dec_x',
      eventId: 'e',
      eventType: 'login',
      accountId: 'a',
      score: 0,
      outcome: 'ALLOW',
      reasons: [],
      avoidOtpChannels: [],
      degraded: false,
      policyVersion: 'p',
      signals: {
        simSwap: { status: 'OK', value: { latestChange: null }, provider: 'camara-de' },
        deviceSwap: { status: 'SKIPPED' },
        callForwarding: { status: 'NOT_FOUND', provider: 'tyntec' },
      },
      evidence: { occurredAt: '2026-12-01T00:00:00.000Z', channel: 'web' },
      decidedAt: '2026-12-01T00:00:00.000Z',
      latencyMs: 1,
    } as Decision;
    expect(decisionToMessage(decision).signals).toEqual({
      simSwap: { status: 'OK', valueJson: '{"latestChange":null}', provider: 'camara-de' },
      deviceSwap: { status: 'SKIPPED' },
      callForwarding: { status: 'NOT_FOUND', provider: 'tyntec' },
    });
  });
});

describe('decisionToMessage: evidence', () => {
  it('carries what the policy saw as evidence_json, enough to score the decision again from a gRPC answer', () => {
    const evidence = {
      occurredAt: '2026-12-01T00:00:00.000Z',
      amount: { value: '2500.00', currency: 'EUR' },
      transactionType: 'transfer',
      beneficiaryIsNew: true,
      listMatches: { watch: ['accountId'] },
    };
    const decision = {
      decisionId: 'dec_x',
      eventId: 'e',
      eventType: 'transaction',
      accountId: 'a',
      score: 0,
      outcome: 'ALLOW',
      reasons: [],
      avoidOtpChannels: [],
      degraded: false,
      policyVersion: 'p',
      signals: { simSwap: { status: 'SKIPPED' }, deviceSwap: { status: 'SKIPPED' }, callForwarding: { status: 'SKIPPED' } },
      evidence,
      decidedAt: '2026-12-01T00:00:00.000Z',
      latencyMs: 1,
    } as unknown as Decision;
    const message = decisionToMessage(decision);
    expect(JSON.parse(message.evidenceJson)).toEqual(evidence);
    expect(message.evidenceJson).not.toMatch(/\+\d{7,}/);
  });
});

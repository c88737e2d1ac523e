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
    const answered: Decision = {
      ...decision,
      signals: {
        simSwap: { status: 'OK', value: { latestChange: null }, provider: 'camara-de' },
        deviceSwap: { status: 'SKIPPED' },
        callForwarding: { status: 'NOT_FOUND', provider: 'tyntec' },
      },
    };
    expect(decisionToMessage(answered).signals).toEqual({
      simSwap: { status: 'OK', valueJson: '{"latestChange":null}', provider: 'camara-de' },
      deviceSwap: { status: 'SKIPPED' },
      callForwarding: { status: 'NOT_FOUND', provider: 'tyntec' },
    });
  });
});

describe('decisionToMessage: evidence', () => {
  it('carries what the policy saw as evidence_json, enough to score the decision again from a gRPC answer', () => {
    const evidence: Decision['evidence'] = {
      occurredAt: '2026-12-01T00:00:00.000Z',
      amount: { value: '2500.00', currency: 'EUR' },
      transactionType: 'transfer',
      beneficiaryIsNew: true,
      listMatches: { deny: [], allow: [], watch: ['accountId'] },
    };
    const message = decisionToMessage({ ...decision, eventType: 'transaction', evidence });
    expect(JSON.parse(message.evidenceJson)).toEqual(evidence);
    expect(message.evidenceJson).not.toMatch(/\+\d{7,}/);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { Decision } from '../../domain/decision.js';
import { decisionToMessage } from './grpc-mapping.js';

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

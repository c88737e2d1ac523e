import { describe, expect, it } from '@jest/globals';
import { DAY, NOW, defaultPolicy, loginEvent, signalSet, swap, transactionEvent } from '../../../test/fixtures/scoring-fixtures.js';
import type { SignalResult } from '../../domain/signal-result.js';
import { scoreEvent } from '../score-event.js';
import { gatherEvidence } from '../signal-evidence.js';
import { signalsNeeded } from '../signals-needed.js';
import { MonitoredPeriodRule } from './monitored-period.rule.js';

const policy = defaultPolicy();
const unchangedWithin = (days: number): SignalResult<'simSwap'> => ({
  status: 'OK',
  value: { latestChange: null, monitoredPeriodDays: days },
});

describe('null date with a monitored period: "no change known within N days"', () => {
  it('is its own evidence, not "never swapped"', () => {
    const evidence = gatherEvidence(signalSet({ simSwap: unchangedWithin(7) }), signalsNeeded(loginEvent(), policy), policy, NOW);
    expect(evidence.simSwap).toEqual({ kind: 'unchanged_within', days: 7 });
    const plainNull = gatherEvidence(signalSet({ simSwap: swap.none() }), signalsNeeded(loginEvent(), policy), policy, NOW);
    expect(plainNull.simSwap).toEqual({ kind: 'clean' });
  });

  it('a monitored period that covers the whole lookback (120 days) is clean, explained with a zero-point reason', () => {
    const assessment = scoreEvent(loginEvent(), signalSet({ simSwap: unchangedWithin(120) }), policy, NOW);
    expect(assessment.outcome).toBe('ALLOW');
    expect(assessment.score).toBe(0);
    expect(assessment.degraded).toBe(false);
    expect(assessment.reasons).toEqual([
      {
        code: 'SIM_SWAP_NONE_WITHIN_MONITORED_PERIOD',
        points: 0,
        message: 'No SIM card change within the last 120 d, as far as the network can tell',
      },
    ]);
  });

  it('7 monitored days rule out the 24 h and 7 d bands but not the 30 d one: scored as that band', () => {
    const assessment = scoreEvent(loginEvent(), signalSet({ simSwap: unchangedWithin(7) }), policy, NOW);
    expect(assessment.reasons).toEqual([
      {
        code: 'SIM_SWAP_UNKNOWN_BEYOND_MONITORED_PERIOD',
        points: 15,
        message:
          'No SIM card change within the last 7 d, as far as the network can tell; an older one up to 30 d ago cannot be ruled out (scored as less than 30 days)',
      },
    ]);
    expect(assessment.avoidOtpChannels).toEqual(['sms']);
  });

  it('never scores lower than a real swap in the first band it cannot rule out, nor higher than a swap in the band it does rule out', () => {
    for (const days of [0, 1, 3, 7, 10, 29, 30, 31, 400]) {
      const unknown = scoreEvent(transactionEvent(), signalSet({ simSwap: unchangedWithin(days) }), policy, NOW).score;
      const swapJustBeyond = scoreEvent(transactionEvent(), signalSet({ simSwap: swap.ago(days * DAY + 1) }), policy, NOW).score;
      expect(unknown).toBeGreaterThanOrEqual(swapJustBeyond);
      if (days > 0) {
        const swapWithin = scoreEvent(transactionEvent(), signalSet({ simSwap: swap.ago(days * DAY - 1) }), policy, NOW).score;
        expect(unknown).toBeLessThanOrEqual(swapWithin);
      }
    }
  });

  it('0 monitored days rules nothing out: scored as the most recent band', () => {
    const rule = new MonitoredPeriodRule('deviceSwap');
    const evidence = gatherEvidence(
      signalSet({ deviceSwap: { status: 'OK', value: { latestChange: null, monitoredPeriodDays: 0 } } }),
      signalsNeeded(transactionEvent(), policy),
      policy,
      NOW,
    );
    expect(rule.evaluate({ event: transactionEvent(), evidence }, policy.signals.deviceSwap).reasons[0]).toMatchObject({
      code: 'DEVICE_SWAP_UNKNOWN_BEYOND_MONITORED_PERIOD',
      points: 30,
    });
  });

  it('a negative or fractional monitored period is an unreadable answer (unavailable), never clean', () => {
    for (const days of [-1, 2.5]) {
      const assessment = scoreEvent(loginEvent(), signalSet({ simSwap: unchangedWithin(days) }), policy, NOW);
      expect(assessment.reasons.map((r) => r.code)).toEqual(['SIGNAL_UNAVAILABLE_SIM_SWAP']);
      expect(assessment.degraded).toBe(true);
    }
  });
});

describe('"not swapped" within a window shorter than the one asked (operator cap)', () => {
  it('rules out only the capped window: a login asking 24 h answered for 12 h is not clean', () => {
    const capped: SignalResult<'deviceSwap'> = { status: 'OK', value: { swappedWithin: { swapped: false, maxAgeMinutes: 720 } } };
    const assessment = scoreEvent(loginEvent(), signalSet({ deviceSwap: capped }), policy, NOW);
    expect(assessment.reasons.map((r) => [r.code, r.points])).toEqual([['DEVICE_SWAP_UNKNOWN_BEYOND_MONITORED_PERIOD', 30]]);
    const full: SignalResult<'deviceSwap'> = { status: 'OK', value: { swappedWithin: { swapped: false, maxAgeMinutes: 1440 } } };
    expect(scoreEvent(loginEvent(), signalSet({ deviceSwap: full }), policy, NOW).reasons).toEqual([]);
  });
});

describe('NOT_APPLICABLE (CAMARA SERVICE_NOT_APPLICABLE)', () => {
  it('is inconclusive: scored like an unknown subscriber, with its own reason code, and degrades the decision', () => {
    const assessment = scoreEvent(loginEvent(), signalSet({ simSwap: { status: 'NOT_APPLICABLE' } }), policy, NOW);
    expect(assessment.reasons).toEqual([
      {
        code: 'SIGNAL_NOT_APPLICABLE_SIM_SWAP',
        points: policy.signals.simSwap.onNotFound.points,
        message: 'The SIM swap check was inconclusive: the network does not offer this check for the subscriber',
      },
    ]);
    expect(assessment.degraded).toBe(true);
    expect(assessment.outcome).toBe('CHALLENGE');
  });
});

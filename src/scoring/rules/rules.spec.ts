import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RuleInput } from '../scoring-rule.js';
import { gatherEvidence } from '../signal-evidence.js';
import { signalsNeeded } from '../signals-needed.js';
import {
  DAY,
  HOUR,
  NOW,
  defaultPolicy,
  forwarding,
  loginEvent,
  signalSet,
  swap,
  transactionEvent,
} from '../../../test/fixtures/scoring-fixtures.js';
import type { RiskEvent } from '../../domain/risk-event.js';
import type { SignalSet } from '../../domain/signal-result.js';
import { CallForwardingRule } from './call-forwarding.rule.js';
import { CombinationRule } from './combination.rule.js';
import { SignalAvailabilityRule } from './signal-availability.rule.js';
import { formatAge, SwapRecencyRule } from './swap-recency.rule.js';
import { isHighValue, TransactionContextRule } from './transaction-context.rule.js';

const policy = defaultPolicy();
const input = (event: RiskEvent, signals: Partial<SignalSet> = {}): RuleInput => ({
  event,
  evidence: gatherEvidence(signalSet(signals), signalsNeeded(event, policy), policy, NOW),
});

describe('SwapRecencyRule', () => {
  const rule = new SwapRecencyRule('deviceSwap');
  it('scores a device swap 3 hours ago with the policy band and settings it is given', () => {
    const settings = { ...policy.signals.deviceSwap, avoidOtpChannels: ['app' as const] };
    expect(rule.evaluate(input(transactionEvent('1'), { deviceSwap: swap.ago(3 * HOUR) }), settings)).toEqual({
      reasons: [{ code: 'DEVICE_SWAP_LT_24H', points: 30, message: 'Device changed 3 h ago (less than 24 hours)' }],
      avoidOtpChannels: ['app'],
    });
  });
  it('finds nothing when there was no swap', () => {
    expect(rule.evaluate(input(transactionEvent('1')), policy.signals.deviceSwap).reasons).toEqual([]);
  });
  it('formats ages in minutes, hours then days', () => {
    expect([formatAge(59.9), formatAge(60), formatAge(47 * 60 + 59), formatAge(48 * 60), formatAge(10 * DAY)]).toEqual([
      '59 min',
      '1 h',
      '47 h',
      '2 d',
      '10 d',
    ]);
  });
});

describe('CallForwardingRule', () => {
  it('uses the points from its settings', () => {
    const r = new CallForwardingRule().evaluate(input(loginEvent(), { callForwarding: forwarding.active() }), {
      ...policy.signals.callForwarding,
      activePoints: 7,
    });
    expect(r.reasons).toEqual([{ code: 'CALL_FORWARDING_ACTIVE', points: 7, message: 'Unconditional call forwarding is active' }]);
  });
});

describe('SignalAvailabilityRule', () => {
  it('a device swap check that is not found on a transaction uses the NOT_FOUND fail mode', () => {
    const r = new SignalAvailabilityRule().evaluate(input(transactionEvent('1'), { deviceSwap: swap.notFound() }), policy.signals);
    expect(r.reasons).toEqual([
      { code: 'SIGNAL_NOT_FOUND_DEVICE_SWAP', points: 5, message: 'The device swap check was inconclusive: subscriber not found' },
    ]);
  });
  it('ignores the failure of a check the policy did not need', () => {
    const evidence = gatherEvidence(signalSet({ deviceSwap: swap.unavailable() }), { simSwap: { mode: 'date' } }, policy, NOW);
    expect(new SignalAvailabilityRule().evaluate({ event: loginEvent(), evidence }, policy.signals).reasons).toEqual([]);
  });
});

describe('TransactionContextRule', () => {
  const rule = new TransactionContextRule();
  it('does nothing for logins', () => {
    expect(rule.evaluate(input(loginEvent(), { simSwap: swap.unavailable() }), policy.transaction)).toEqual({
      reasons: [],
      avoidOtpChannels: [],
    });
  });
  it('sets a minimum outcome for a high-value withdrawal with a degraded signal', () => {
    const r = rule.evaluate(input(transactionEvent('1200', { transactionType: 'withdrawal' }), { simSwap: swap.notFound() }), {
      ...policy.transaction,
      degradedHighValue: { points: 3, minimumOutcome: 'REVIEW' },
    });
    expect(r.reasons.map((x) => `${x.code}:${x.points}`)).toEqual([
      'HIGH_VALUE_TRANSACTION:5',
      'TRANSACTION_TYPE_WITHDRAWAL:5',
      'HIGH_VALUE_DEGRADED:3',
    ]);
    expect(r.minimumOutcome).toBe('REVIEW');
  });
  it('compares decimal strings with the threshold', () => {
    expect([
      isHighValue(transactionEvent('999.999'), 1000),
      isHighValue(transactionEvent('1000.000'), 1000),
      isHighValue(transactionEvent('abc'), 1000),
    ]).toEqual([false, true, true]);
  });
});

describe('CombinationRule', () => {
  const rule = new CombinationRule();
  it('fires only for the listed event types, taking the most severe outcome', () => {
    const combos = [
      {
        code: 'A',
        when: ['simSwap', 'callForwarding'] as const,
        eventTypes: ['transaction'] as const,
        points: 1,
        outcome: 'REVIEW' as const,
        message: 'a',
      },
      {
        code: 'B',
        when: ['simSwap', 'callForwarding'] as const,
        eventTypes: ['transaction'] as const,
        points: 2,
        outcome: 'DENY' as const,
        message: 'b',
      },
    ].map((c) => ({ ...c, when: [...c.when], eventTypes: [...c.eventTypes] }));
    const signals = { simSwap: swap.ago(2 * DAY), callForwarding: forwarding.active() };
    expect(rule.evaluate(input(loginEvent(), signals), combos)).toEqual({ reasons: [], avoidOtpChannels: [], minimumOutcome: undefined });
    const r = rule.evaluate(input(transactionEvent('1'), signals), combos);
    expect(r.reasons.map((x) => x.code)).toEqual(['A', 'B']);
    expect(r.minimumOutcome).toBe('DENY');
  });
  it('respects withinMinutes for dated swaps but always counts a window answer', () => {
    const combos = [
      {
        code: 'C',
        when: ['simSwap', 'deviceSwap'] as ('simSwap' | 'deviceSwap')[],
        withinMinutes: 60,
        eventTypes: ['transaction' as const],
        points: 0,
        outcome: 'DENY' as const,
        message: 'c',
      },
    ];
    expect(
      rule.evaluate(input(transactionEvent('1'), { simSwap: swap.ago(2 * HOUR), deviceSwap: swap.ago(10) }), combos).minimumOutcome,
    ).toBeUndefined();
    expect(
      rule.evaluate(input(transactionEvent('1'), { simSwap: swap.ago(59), deviceSwap: swap.within(true, 2400) }), combos).minimumOutcome,
    ).toBe('DENY');
  });
});

describe('the scoring code does no I/O', () => {
  // The policy file loader (the folder's only I/O once) lives in src/policy now, so no file here is exempt.
  it('imports nothing from node: or network/file libraries', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..');
    const files = [
      ...readdirSync(root).map((f) => join(root, f)),
      ...readdirSync(join(root, 'rules')).map((f) => join(root, 'rules', f)),
    ].filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const imports = [...readFileSync(f, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const spec of imports)
        expect(`${f}: ${spec}`).toMatch(/: (\.{1,2}\/|@nestjs\/common$|class-validator$|class-transformer$|reflect-metadata$)/);
    }
  });
});

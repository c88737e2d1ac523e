import { describe, expect, it } from '@jest/globals';
import type { Decision, DecisionSignal } from '../../src/domain/decision.js';
import type { FraudLabel } from '../../src/domain/fraud-label.js';
import { parsePolicy } from '../../src/scoring/risk-policy.js';
import { rescoreDecision } from '../../src/decisions/decision-evidence.js';
import { defaultPolicy, defaultPolicyJson } from '../../test/fixtures/scoring-fixtures.js';
import { labelledView, latestLabels, runBacktest } from './backtest-analysis.js';
import { parseBacktestOptions } from './backtest-options.js';
import { htmlReport, summaryLines } from './backtest-report.js';

const DECIDED = '2026-11-21T12:00:00.000Z';
const hoursBefore = (h: number) => new Date(Date.parse(DECIDED) - h * 3600_000).toISOString();
const clean = { status: 'OK', value: { latestChange: null } } as DecisionSignal;
const noForwarding = { status: 'OK', value: { active: false } } as DecisionSignal;

let n = 0;
/** A recorded login decision on the given answers, with the outcome the default policy gives it. */
function login(signals: Partial<Decision['signals']>, decidedAt = DECIDED): Decision {
  n += 1;
  const base: Decision = {
    decisionId: `dec_${n}`,
    eventId: `evt-${n}`,
    eventType: 'login',
    accountId: 'acc',
    score: 0,
    outcome: 'ALLOW',
    reasons: [],
    avoidOtpChannels: [],
    degraded: false,
    policyVersion: '2026-11-21.1',
    signals: { simSwap: clean, deviceSwap: clean, callForwarding: noForwarding, ...signals },
    evidence: { occurredAt: decidedAt, channel: 'web' },
    decidedAt,
    latencyMs: 1,
  };
  return { ...base, ...rescoreDecision(base, defaultPolicy()) };
}
const simSwap = (hours: number) => ({ simSwap: { status: 'OK', value: { latestChange: hoursBefore(hours) } } as DecisionSignal });

/** The candidate: a SIM swap 1-7 days old weighs 60 instead of 35 (CHALLENGE -> REVIEW); call forwarding alone 20 (CHALLENGE -> ALLOW). */
function candidate() {
  const json = defaultPolicyJson();
  json.version = 'candidate-1';
  json.signals.simSwap.bands[1].points = 60;
  json.signals.callForwarding.activePoints = 20;
  return parsePolicy(json);
}

describe('runBacktest', () => {
  const cleanOne = login({});
  const swap3d = login(simSwap(72));
  const swap3dAgain = login(simSwap(50));
  const forwarded = login({ callForwarding: { status: 'OK', value: { active: true } } });
  const swap2h = login(simSwap(2));
  const decisions = [cleanOne, swap3d, swap3dAgain, forwarded, swap2h];

  it('counts outcomes, the transition matrix and the reason codes that fire more or less', () => {
    expect(decisions.map((d) => d.outcome)).toEqual(['ALLOW', 'CHALLENGE', 'CHALLENGE', 'CHALLENGE', 'REVIEW']);
    const r = runBacktest({ decisions: [...decisions, swap3d /* redelivered */], candidate: candidate() });
    expect(r.input).toEqual({ records: 6, decisions: 5, duplicates: 1, outsideWindow: 0, noEvidence: 0 });
    expect(r.outcomes.current).toEqual({ ALLOW: 1, CHALLENGE: 3, REVIEW: 1, DENY: 0 });
    expect(r.outcomes.candidate).toEqual({ ALLOW: 2, CHALLENGE: 0, REVIEW: 3, DENY: 0 });
    expect(r.transitions.CHALLENGE).toEqual({ ALLOW: 1, CHALLENGE: 0, REVIEW: 2, DENY: 0 });
    expect(r.transitions.ALLOW.ALLOW).toBe(1);
    expect(r.transitions.REVIEW.REVIEW).toBe(1);
    expect(r.changed).toBe(3);
    // 35 -> 60 twice (+25 each), 45 -> 20 (-25): mean +25/5
    expect(r.scoreDelta).toEqual({ mean: 5, raised: 2, lowered: 1 });
    expect(r.reasons.find((x) => x.code === 'CALL_FORWARDING_ACTIVE')).toEqual({
      code: 'CALL_FORWARDING_ACTIVE',
      current: 1,
      candidate: 1,
      delta: 0,
    });
    expect(r.currentVersions).toEqual({ '2026-11-21.1': 5 });
    expect(r.candidate.version).toBe('candidate-1');
  });

  it("compares the live policy's own verdict: a monitored ALLOW and a DENY held by the guard count as what the policy gave", () => {
    const denied = login({ ...simSwap(72), callForwarding: { status: 'OK', value: { active: true } } });
    expect(denied.outcome).toBe('DENY');
    const monitored: Decision = { ...swap3d, decisionId: 'dec_m', eventId: 'evt-m', outcome: 'ALLOW', proposedOutcome: 'CHALLENGE' };
    const held: Decision = {
      ...denied,
      decisionId: 'dec_h',
      eventId: 'evt-h',
      outcome: 'REVIEW',
      reasons: [...denied.reasons, { code: 'DECLINE_RATE_GUARD', points: 0, message: 'held' }],
    };
    const r = runBacktest({ decisions: [monitored, held], candidate: defaultPolicy() });
    expect(r.outcomes.current).toEqual({ ALLOW: 0, CHALLENGE: 1, REVIEW: 0, DENY: 1 });
    expect(r.changed).toBe(0);
  });

  it('the same policy changes nothing: a backtest of the live policy is the identity', () => {
    const r = runBacktest({ decisions, candidate: defaultPolicy() });
    expect(r.changed).toBe(0);
    expect(r.reasons.every((x) => x.delta === 0)).toBe(true);
  });

  it('keeps to the window and skips records without evidence', () => {
    const early = login({}, '2026-11-20T00:00:00.000Z');
    const { evidence: _none, ...old } = login({});
    const r = runBacktest({
      decisions: [early, old as Decision, ...decisions],
      candidate: candidate(),
      since: new Date('2026-11-21T00:00:00Z'),
      until: new Date('2026-11-22T00:00:00Z'),
    });
    expect(r.input).toMatchObject({ decisions: 5, outsideWindow: 1, noEvidence: 1 });
  });

  it('measures both policies against the labels: confusion, precision, recall, fraud let through', () => {
    const label = (d: Decision, value: 'fraud' | 'legit', at = '2026-11-25T00:00:00Z'): FraudLabel => ({
      eventId: d.eventId,
      label: value,
      labeledAt: at,
      source: 'spec',
    });
    const labels = [
      label(swap3d, 'legit', '2026-11-22T00:00:00Z'),
      label(swap3d, 'fraud'), // the later label wins
      label(swap3dAgain, 'legit'),
      label(forwarded, 'fraud'),
      label(swap2h, 'fraud'),
      label(cleanOne, 'legit'),
      { ...label(cleanOne, 'fraud'), eventId: 'evt-not-backtested' },
    ];
    const r = runBacktest({ decisions, candidate: candidate(), labels });
    expect(r.labels).toMatchObject({ records: 7, events: 6, matched: 5, fraud: 3, legit: 2 });
    // current: ALLOW{legit}, CHALLENGE{fraud, legit, fraud}, REVIEW{fraud}
    expect(r.labels!.current.confusion).toEqual({
      ALLOW: { fraud: 0, legit: 1 },
      CHALLENGE: { fraud: 2, legit: 1 },
      REVIEW: { fraud: 1, legit: 0 },
      DENY: { fraud: 0, legit: 0 },
    });
    expect(r.labels!.current.measures.CHALLENGE).toEqual({ precision: 0.6667, recall: 0.6667, truePositives: 2, predicted: 3 });
    expect(r.labels!.current.measures.DENY).toEqual({ precision: null, recall: 0, truePositives: 0, predicted: 0 });
    expect(r.labels!.current.fraudLetThroughShare).toBe(0);
    // candidate: forwarded (fraud) becomes ALLOW; both 3-day swaps and the 2 h swap are REVIEW
    expect(r.labels!.candidate.confusion.ALLOW).toEqual({ fraud: 1, legit: 1 });
    expect(r.labels!.candidate.measures.REVIEW).toEqual({ precision: 0.6667, recall: 0.6667, truePositives: 2, predicted: 3 });
    expect(r.labels!.candidate.measures.FLAGGED).toEqual({ precision: 0.6667, recall: 0.6667, truePositives: 2, predicted: 3 });
    expect(r.labels!.candidate).toMatchObject({ fraudLetThrough: 1, fraudLetThroughShare: 0.3333 });
  });

  it('latestLabels and labelledView handle the empty cases', () => {
    expect(latestLabels([]).size).toBe(0);
    expect(labelledView([])).toMatchObject({
      fraudLetThrough: 0,
      fraudLetThroughShare: null,
      measures: { DENY: { precision: null, recall: null } },
    });
  });

  it('reports as text and as an HTML page of SVG charts', () => {
    const r = runBacktest({
      decisions,
      candidate: candidate(),
      labels: [{ eventId: swap2h.eventId, label: 'fraud', labeledAt: DECIDED, source: 's' }],
    });
    const text = summaryLines(r).join('\n');
    expect(text).toContain('changed 3 of 5');
    expect(text).toContain('reason codes: no change'); // the candidate changes points, not which rules fire
    const html = htmlReport(r, { source: 'spec', generatedAt: DECIDED });
    expect(html.match(/<svg /g)?.length).toBe(6);
    expect(html).toContain('Outcome transitions');
    expect(html).not.toContain('<script');
  });
});

describe('parseBacktestOptions', () => {
  it('reads the documented flags and defaults to the decisions topic', () => {
    expect(parseBacktestOptions(['--policy', 'c.json'])).toMatchObject({
      policy: 'c.json',
      fromTopic: 'risk.decisions.v1',
      out: '.backtest',
    });
    expect(
      parseBacktestOptions([
        '--policy',
        'c.json',
        '--from-file',
        'd.jsonl',
        '--labels-topic',
        'risk.labels.v1',
        '--since',
        '2026-11-01T00:00:00Z',
      ]),
    ).toMatchObject({ fromFile: 'd.jsonl', fromTopic: undefined, labelsTopic: 'risk.labels.v1', since: new Date('2026-11-01T00:00:00Z') });
  });

  it('refuses what it cannot do, saying why', () => {
    expect(() => parseBacktestOptions([])).toThrow('--policy is required');
    expect(() => parseBacktestOptions(['--policy', 'c', '--from-topic', 't', '--from-file', 'f'])).toThrow('not both');
    expect(() => parseBacktestOptions(['--policy', 'c', '--since', 'yesterday'])).toThrow('RFC 3339');
    expect(() => parseBacktestOptions(['--policy', 'c', '--since', '2026-12-02T00:00:00Z', '--until', '2026-12-01T00:00:00Z'])).toThrow(
      'before',
    );
    expect(() => parseBacktestOptions(['--policy', 'c', '--frm-topic', 't'])).toThrow(/frm-topic/);
  });
});

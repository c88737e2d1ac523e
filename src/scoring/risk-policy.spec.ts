import { describe, expect, it } from '@jest/globals';
import { parsePolicy, PolicyError, type RiskPolicy } from './risk-policy.js';
import { defaultPolicyJson } from '../../test/fixtures/scoring-fixtures.js';

// Tests deliberately write wrong types into the JSON, so it is untyped here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const defaultJson = (): Record<string, any> => defaultPolicyJson();

function problemsOf(json: unknown): string[] {
  try {
    parsePolicy(json);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError);
    return (e as PolicyError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected the policy to be rejected');
}

describe('parsePolicy', () => {
  it('accepts the default policy JSON and returns class instances', () => {
    const policy: RiskPolicy = parsePolicy(defaultJson());
    expect(policy.signals.simSwap.bands.map((b) => b.code)).toEqual(['SIM_SWAP_LT_24H', 'SIM_SWAP_LT_7D', 'SIM_SWAP_LT_30D']);
    expect(policy.checks.login.deviceSwap).toEqual({ mode: 'window', maxAgeMinutes: 1440 });
  });

  it('rejects a non-object', () => {
    expect(problemsOf([])).toEqual([': policy must be a JSON object']);
    expect(problemsOf(null)).toEqual([': policy must be a JSON object']);
  });

  it('lists every invalid path at once, with bounds', () => {
    const json = defaultJson();
    json.thresholds.deny = 150;
    json.signals.simSwap.bands[1].points = 'many';
    json.signals.callForwarding.avoidOtpChannels = ['pigeon'];
    json.checks.login.deviceSwap.maxAgeMinutes = 5000;
    json.combinations[0].outcome = 'BLOCK';
    json.transaction.degradedHighValue.minimumOutcome = 'ALLOW';
    const problems = problemsOf(json);
    expect(problems).toEqual(
      expect.arrayContaining([
        'thresholds.deny: must be <= 100',
        'signals.simSwap.bands[1].points: must be an integer',
        'signals.callForwarding.avoidOtpChannels: entries must be one of sms, voice, app',
        'checks.login.deviceSwap.maxAgeMinutes: must be <= 2400',
        'combinations[0].outcome: must be one of ALLOW, CHALLENGE, REVIEW, DENY',
        'transaction.degradedHighValue.minimumOutcome: must be CHALLENGE, REVIEW or DENY',
      ]),
    );
  });

  it('names missing sections and unknown fields (typos must not be ignored silently)', () => {
    const json = defaultJson();
    delete json.thresholds;
    json.signals.simSwap.onUnavailabel = json.signals.simSwap.onUnavailable;
    delete json.signals.simSwap.onUnavailable;
    const problems = problemsOf(json);
    expect(problems).toContain('thresholds: is required');
    expect(problems).toContain('signals.simSwap.onUnavailable: is required');
    expect(problems).toContain('signals.simSwap.onUnavailabel: is not a known policy field');
  });

  it('requires maxAgeMinutes between 1 and 2400 for window checks', () => {
    const json = defaultJson();
    json.checks.login.simSwap = { mode: 'window' };
    json.checks.transaction.deviceSwap = { mode: 'window', maxAgeMinutes: 0 };
    const problems = problemsOf(json);
    expect(problems).toContain('checks.login.simSwap.maxAgeMinutes: must be an integer');
    expect(problems).toContain('checks.transaction.deviceSwap.maxAgeMinutes: must be >= 1');
  });

  it('refuses a maxAgeMinutes on a date check (it would be ignored)', () => {
    const json = defaultJson();
    json.checks.transaction.simSwap = { mode: 'date', maxAgeMinutes: 60 };
    expect(problemsOf(json)).toEqual(['checks.transaction.simSwap.maxAgeMinutes: only allowed with mode window']);
  });

  it('requires thresholds ordered challenge < review < deny', () => {
    const json = defaultJson();
    json.thresholds = { challenge: 60, review: 60, deny: 50 };
    expect(problemsOf(json)).toEqual([
      'thresholds.review: must be greater than thresholds.challenge',
      'thresholds.deny: must be greater than thresholds.review',
    ]);
  });

  it('requires bands in ascending age with points that never grow with age', () => {
    const json = defaultJson();
    json.signals.deviceSwap.bands[2].withinMinutes = 60;
    json.signals.simSwap.bands[2].points = 90;
    expect(problemsOf(json)).toEqual([
      'signals.simSwap.bands[2].points: must be <= the points of the more recent band before it',
      'signals.deviceSwap.bands[2].withinMinutes: bands must be in ascending withinMinutes order',
    ]);
  });

  it('requires unique UPPER_SNAKE reason codes', () => {
    const json = defaultJson();
    json.combinations[1].code = 'SIM_SWAP_LT_24H';
    json.signals.deviceSwap.bands[0].code = 'device-swap';
    expect(problemsOf(json)).toEqual(['signals.deviceSwap.bands[0].code: must be an UPPER_SNAKE code']);
    json.signals.deviceSwap.bands[0].code = 'DEVICE_SWAP_LT_24H';
    expect(problemsOf(json)).toEqual(['combinations[1].code: code SIM_SWAP_LT_24H is already used at signals.simSwap.bands[0].code']);
  });

  it('requires combinations over at least two distinct known signals', () => {
    const json = defaultJson();
    json.combinations[0].when = ['simSwap', 'simSwap'];
    json.combinations[1].when = ['simSwap', 'voicemail'];
    const problems = problemsOf(json);
    expect(problems).toContain('combinations[0].when: entries must be unique');
    expect(problems).toContain('combinations[1].when: entries must be one of simSwap, deviceSwap, callForwarding');
  });

  it('requires a version string', () => {
    const json = defaultJson();
    json.version = '';
    expect(problemsOf(json)).toEqual(['version: must be a version string such as 2026-11-21.1']);
  });

  describe('rules own their settings: a section the file leaves out takes the rule defaults', () => {
    it('gives a policy without any rule section exactly the default policy', () => {
      const json = defaultJson();
      delete json.signals;
      delete json.combinations;
      delete json.transaction;
      expect(parsePolicy(json)).toEqual(parsePolicy(defaultJson()));
    });

    it('fills one left-out signal and keeps the sections the file gives', () => {
      const json = defaultJson();
      delete json.signals.deviceSwap;
      json.signals.simSwap.bands[0].points = 70;
      json.combinations = [];
      const policy = parsePolicy(json);
      expect(policy.signals.deviceSwap).toEqual(parsePolicy(defaultJson()).signals.deviceSwap);
      expect(policy.signals.simSwap.bands[0].points).toBe(70);
      expect(policy.combinations).toEqual([]);
    });

    it('still validates a section given in part, and a section that is not an object', () => {
      const json = defaultJson();
      delete json.transaction.degradedHighValue;
      json.signals.callForwarding = 'on';
      const problems = problemsOf(json);
      expect(problems).toContain('transaction.degradedHighValue: is required');
      expect(problems).toContain('signals.callForwarding: must be an object');
    });

    it('checks the defaults like a file: a file code that repeats a default band code is refused', () => {
      const json = defaultJson();
      delete json.signals.simSwap;
      json.combinations[0].code = 'SIM_SWAP_LT_7D';
      expect(problemsOf(json)).toEqual(['combinations[0].code: code SIM_SWAP_LT_7D is already used at signals.simSwap.bands[1].code']);
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { parsePolicy } from './risk-policy.js';
import { signalsNeeded } from './signals-needed.js';
import { defaultPolicy, defaultPolicyJson, loginEvent, transactionEvent } from '../../test/fixtures/scoring-fixtures.js';

const policy = defaultPolicy();

describe('signalsNeeded with the default policy', () => {
  it('a login needs the SIM swap date, a 24 h device swap window and call forwarding', () => {
    expect(signalsNeeded(loginEvent(), policy)).toEqual({
      simSwap: { mode: 'date' },
      deviceSwap: { mode: 'window', maxAgeMinutes: 1440 },
      callForwarding: true,
    });
  });

  it('a transaction needs both swap dates and call forwarding', () => {
    expect(signalsNeeded(transactionEvent('10'), policy)).toEqual({
      simSwap: { mode: 'date' },
      deviceSwap: { mode: 'date' },
      callForwarding: true,
    });
  });

  it('returns a fresh object the caller may change without touching the policy', () => {
    const request = signalsNeeded(loginEvent(), policy);
    delete request.simSwap;
    expect(signalsNeeded(loginEvent(), policy).simSwap).toEqual({ mode: 'date' });
  });
});

describe('signalsNeeded with a custom policy', () => {
  it('leaves out checks the policy does not ask for', () => {
    const json = defaultPolicyJson();
    delete json.checks.login.deviceSwap;
    json.checks.login.callForwarding = false;
    json.checks.login.simSwap = { mode: 'window', maxAgeMinutes: 2400 };
    expect(signalsNeeded(loginEvent(), parsePolicy(json))).toEqual({ simSwap: { mode: 'window', maxAgeMinutes: 2400 } });
  });
});

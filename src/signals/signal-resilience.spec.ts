import { describe, expect, it } from '@jest/globals';
import type { UpstreamResult } from './providers/signal-provider.js';
import { SignalResilience } from './signal-resilience.js';
import { signalsSettingsFrom } from './signals.settings.js';
import { loadConfig } from '../config/app-config.js';

const ok: UpstreamResult<'callForwarding'> = { status: 'OK', value: { active: false } };
const failed: UpstreamResult<'callForwarding'> = { status: 'UNAVAILABLE', reason: 'http_5xx' };

async function run(resilience: SignalResilience, answers: UpstreamResult<'callForwarding'>[]) {
  const results = [];
  for (const answer of answers) {
    results.push(await resilience.execute('callForwarding', Date.now() + 1000, async () => answer));
  }
  return results;
}

describe('SignalResilience with the default (sampling) breaker', () => {
  const settings = signalsSettingsFrom(loadConfig({}).signals, { retries: 0 });

  it('rides out a burst of failures among successes', async () => {
    const resilience = new SignalResilience(settings);
    const answers = [...Array(40).fill(ok), ...Array(15).fill(failed), ...Array(40).fill(ok)];
    const results = await run(resilience, answers);
    expect(results.filter((r) => r.status === 'UNAVAILABLE' && r.reason === 'circuit_open')).toHaveLength(0);
    expect(resilience.circuitState('callForwarding')).toBe('closed');
  });

  it('opens when most recent attempts fail, and then stops calling upstream', async () => {
    const resilience = new SignalResilience(settings);
    let calls = 0;
    const results = [];
    for (let i = 0; i < 80; i++) {
      results.push(
        await resilience.execute('callForwarding', Date.now() + 1000, async () => {
          calls += 1;
          return failed;
        }),
      );
    }
    expect(resilience.circuitState('callForwarding')).toBe('open');
    expect(results.at(-1)).toMatchObject({ status: 'UNAVAILABLE', reason: 'circuit_open' });
    expect(calls).toBeLessThan(80);
    expect(resilience.circuitState('simSwap')).toBe('closed');
  });
});

describe('SignalResilience bulkhead', () => {
  const settings = signalsSettingsFrom(loadConfig({}).signals, { retries: 0, bulkhead: 2 });

  it('refuses beyond the limit per signal, and frees a place when a lookup ends, however it ends', async () => {
    const resilience = new SignalResilience(settings);
    const release: (() => void)[] = [];
    const held = () => new Promise<UpstreamResult<'callForwarding'>>((resolve) => release.push(() => resolve(ok)));
    const execute = (attempt: () => Promise<UpstreamResult<'callForwarding'>>) =>
      resilience.execute('callForwarding', Date.now() + 5000, attempt);
    const first = execute(held);
    const throwing = execute(async () => {
      throw new Error('boom');
    });
    expect(await execute(async () => ok)).toEqual({ status: 'UNAVAILABLE', reason: 'bulkhead_full' });
    // another signal has its own places
    expect(await resilience.execute('simSwap', Date.now() + 5000, async () => ({ status: 'NOT_FOUND' }))).toEqual({ status: 'NOT_FOUND' });
    // the one that threw answered (execute never throws) and gave its place back
    expect(await throwing).toMatchObject({ status: 'UNAVAILABLE', reason: 'connection_error' });
    const second = execute(held);
    expect(await execute(async () => ok)).toEqual({ status: 'UNAVAILABLE', reason: 'bulkhead_full' });
    release.forEach((r) => r());
    expect(await first).toEqual(ok);
    expect(await second).toEqual(ok);
    expect(await execute(async () => ok)).toEqual(ok);
  });
});

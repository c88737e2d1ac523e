import { describe, expect, it } from '@jest/globals';
import { withinTimeout } from './within-timeout.js';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('withinTimeout', () => {
  it('answers with the work when it settles first, without calling onTimeout', async () => {
    let called = false;
    await expect(withinTimeout(after(5, 'done'), 1_000, () => ((called = true), 'late'))).resolves.toBe('done');
    expect(called).toBe(false);
  });

  it("answers with onTimeout's value once the time has passed, computed then", async () => {
    const started = Date.now();
    const outcome = await withinTimeout(after(1_000, 'done'), 30, () => ({ late: true, waitedMs: Date.now() - started }));
    expect(outcome).toMatchObject({ late: true });
    expect((outcome as { waitedMs: number }).waitedMs).toBeGreaterThanOrEqual(25);
    expect((outcome as { waitedMs: number }).waitedMs).toBeLessThan(900);
  });

  it('rejects when the work rejects first, or when onTimeout throws', async () => {
    await expect(withinTimeout(Promise.reject(new Error('boom')), 1_000, () => 'late')).rejects.toThrow('boom');
    await expect(
      withinTimeout(after(1_000, 'done'), 10, () => {
        throw new Error('too slow');
      }),
    ).rejects.toThrow('too slow');
  });
});

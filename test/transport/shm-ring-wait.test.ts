import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { defaultWaitPolicy, resolveWaitPolicy, spinUntil, waitUntil } from '../../src/transport/shm-ring-wait.js';

const sleepy = { spinUs: 0, sleepMinUs: 50, sleepMaxUs: 200, activeMs: 0, yieldEveryMs: 1 };

describe('shm-ring wait policy', () => {
  it('spins only where every process has a core and one is left over', () => {
    expect(defaultWaitPolicy(2, 2).spinUs).toBe(50);
    expect(defaultWaitPolicy(2, 3).spinUs).toBe(20_000);
    expect(defaultWaitPolicy(3, 2)).toEqual({ spinUs: 50, sleepMinUs: 50, sleepMaxUs: 1000, activeMs: 100, yieldEveryMs: 2 });
  });

  it('spins without yielding until a condition holds, or for at most its budget', () => {
    let polls = 0;
    expect(spinUntil(() => ++polls > 1000, 1_000_000)).toBe(true);
    expect(polls).toBe(1001);
    const start = performance.now();
    expect(spinUntil(() => false, 2000)).toBe(false);
    // 2000 µs is 2 ms: at least that, and far less than the 2 s a unit slip would spin.
    expect(performance.now() - start).toBeGreaterThanOrEqual(2);
    expect(performance.now() - start).toBeLessThan(1000);
    // A condition that already holds is taken even with no budget at all.
    expect(spinUntil(() => true, 0)).toBe(true);
  });

  it('fills and checks a policy', () => {
    expect(resolveWaitPolicy({ spinUs: 0 }, defaultWaitPolicy(3, 2))).toEqual({ spinUs: 0, sleepMinUs: 50, sleepMaxUs: 1000, activeMs: 100, yieldEveryMs: 2 });
    expect(() => resolveWaitPolicy({ sleepMinUs: 0 }, sleepy)).toThrow(OptionsError);
    expect(() => resolveWaitPolicy({ sleepMaxUs: 10 }, sleepy)).toThrow(/at least wait.sleepMinUs/);
  });

  it('gives the event loop turns while it waits: a condition set by a timer and an immediate is seen', async () => {
    for (const policy of [sleepy, { ...sleepy, spinUs: 1_000_000 }]) {
      let timer = false;
      let immediate = false;
      setTimeout(() => (timer = true), 1);
      setImmediate(() => (immediate = true));
      expect(await waitUntil(() => timer && immediate, 30_000, policy)).toBe(true);
    }
  });

  it('gives up at the timeout, or as soon as it is cancelled', async () => {
    const start = performance.now();
    expect(await waitUntil(() => false, 20, sleepy)).toBe(false);
    expect(performance.now() - start).toBeGreaterThanOrEqual(20);
    let cancelled = false;
    setImmediate(() => (cancelled = true));
    expect(await waitUntil(() => false, 600_000, sleepy, { cancelled: () => cancelled })).toBe(false);
  });
});

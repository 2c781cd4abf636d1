import { describe, expect, it } from 'vitest';
import { slowestOfQuantile } from '../../src/stats/slowest.js';

describe('slowestOfQuantile', () => {
  it('places the median of the slowest of k draws at 0.5^(1/k)', () => {
    expect(slowestOfQuantile(1)).toBe(0.5);
    // 0.5 ** (1 / 7) = 0.9057236642639067 (python: 0.5 ** (1 / 7)).
    expect(slowestOfQuantile(7)).toBeCloseTo(0.9057236642639067, 15);
    expect(slowestOfQuantile(2)).toBeCloseTo(Math.SQRT1_2, 15);
  });

  it('is the level q at which P(max of k draws <= quantile q) = q^k = 1/2', () => {
    for (const k of [1, 2, 4, 8, 64, 1000]) expect(slowestOfQuantile(k) ** k).toBeCloseTo(0.5, 12);
  });

  it('rises towards 1 as k grows and is NaN below k = 1', () => {
    expect(slowestOfQuantile(8)).toBeGreaterThan(slowestOfQuantile(7));
    expect(slowestOfQuantile(0)).toBeNaN();
    expect(slowestOfQuantile(Number.NaN)).toBeNaN();
  });
});

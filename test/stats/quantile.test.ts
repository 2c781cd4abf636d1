import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantile } from '../../src/stats/quantile.js';

describe('quantile', () => {
  it('interpolates linearly between order statistics (R type 7, numpy default)', () => {
    const xs = [1, 2, 3, 4, 5];
    expect(quantile(xs, 0)).toBe(1);
    expect(quantile(xs, 0.5)).toBe(3);
    expect(quantile(xs, 1)).toBe(5);
    // (n - 1)·q = 3.96, so 4 + 0.96·(5 - 4); numpy.quantile([1,2,3,4,5], 0.99) = 4.96.
    expect(quantile(xs, 0.99)).toBeCloseTo(4.96, 12);
    // numpy.quantile([10, 20, 40, 80], 0.25) = 17.5: position 0.75 between 10 and 20.
    expect(quantile([10, 20, 40, 80], 0.25)).toBe(17.5);
    expect(quantile([10, 20, 40, 80], 0.5)).toBe(30);
  });

  it('returns the single value for one sample and NaN for none or a level outside [0, 1]', () => {
    expect(quantile([7], 0.3)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([1, 2], -0.1)).toBeNaN();
    expect(quantile([1, 2], 1.1)).toBeNaN();
    expect(quantile([1, 2], Number.NaN)).toBeNaN();
  });

  it('keeps infinite order statistics when it lands on them exactly', () => {
    expect(quantile([1, Infinity], 1)).toBe(Infinity);
  });

  it('is monotone in q and stays within [min, max]', () => {
    const samples = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 });
    const level = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(samples, level, level, (xs, q1, q2) => {
        const sorted = [...xs].sort((x, y) => x - y);
        const [lo, hi] = q1 <= q2 ? [q1, q2] : [q2, q1];
        const a = quantile(sorted, lo);
        const b = quantile(sorted, hi);
        expect(a).toBeLessThanOrEqual(b);
        expect(a).toBeGreaterThanOrEqual(sorted[0] ?? Number.NaN);
        expect(b).toBeLessThanOrEqual(sorted[sorted.length - 1] ?? Number.NaN);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

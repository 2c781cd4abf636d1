import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarizeSamples } from '../../src/stats/summary.js';

describe('summarizeSamples', () => {
  it('summarizes 15 samples with one outlier of each kind, by hand-checked values', () => {
    const samples = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 30, 45, -20, 0];
    // Sorted: -20, 0, 10, …, 20, 30, 45. numpy.quantile gives q1 = 11.5, median = 15, q3 = 18.5, so IQR = 7 and the
    // fences sit at 11.5 − 21 = −9.5, 11.5 − 10.5 = 1, 18.5 + 10.5 = 29 and 18.5 + 21 = 39.5:
    // −20 is low severe, 0 low mild, 30 high mild, 45 high severe.
    // Median CI for n = 15: P(B <= 3) = (1 + 15 + 105 + 455) / 2^15 = 576/32768 <= 0.025 but P(B <= 4) = 1941/32768
    // is not, so k = 4: [x_(4), x_(12)] = [11, 19] with coverage 1 − 1152/32768 = 0.96484375.
    expect(summarizeSamples(samples)).toEqual({
      n: 15,
      p50: 15,
      ci95: [11, 19],
      ciCoverage: expect.closeTo(0.96484375, 14) as number,
      p99: 45,
      p99IsMax: true,
      mean: expect.closeTo(220 / 15, 13) as number,
      min: -20,
      max: 45,
      outliers: { lowSevere: 1, lowMild: 1, highMild: 1, highSevere: 1 },
    });
  });

  it('reports a real p99 from 100 samples on, and the exact median CI for n = 200', () => {
    const samples = Array.from({ length: 200 }, (_, i) => 200 - i);
    const s = summarizeSamples(samples);
    // numpy.quantile(1..200, 0.99) = 198.01 and 0.5 → 100.5.
    expect(s.p99).toBeCloseTo(198.01, 10);
    expect(s.p99IsMax).toBe(false);
    expect(s.p50).toBe(100.5);
    // Exact integer sums in python: k = 86 (largest with 40·Σ_{j<k} C(200, j) <= 2^200), coverage 0.9599628083866005.
    expect(s.ci95).toEqual([86, 115]);
    expect(s.ciCoverage).toBeCloseTo(0.9599628083866005, 12);
    expect(s.outliers).toEqual({ lowSevere: 0, lowMild: 0, highMild: 0, highSevere: 0 });
  });

  it('switches p99 from the maximum to the percentile exactly at n = 100', () => {
    const at99 = summarizeSamples(Array.from({ length: 99 }, (_, i) => i));
    expect([at99.p99, at99.p99IsMax]).toEqual([98, true]);
    const at100 = summarizeSamples(Array.from({ length: 100 }, (_, i) => i));
    // (100 − 1)·0.99 = 98.01.
    expect(at100.p99).toBeCloseTo(98.01, 10);
    expect(at100.p99IsMax).toBe(false);
  });

  it('reports the low coverage of [min, max] below six samples', () => {
    const s = summarizeSamples([3, 1, 2]);
    expect(s.ci95).toEqual([1, 3]);
    expect(s.ciCoverage).toBeCloseTo(0.75, 14); // 1 − 2/2^3
  });

  it('classifies like criterion.rs when the IQR is zero: fences collapse onto the quartiles', () => {
    expect(summarizeSamples([5, 5, 5, 5, 5]).outliers).toEqual({ lowSevere: 0, lowMild: 0, highMild: 0, highSevere: 0 });
    expect(summarizeSamples([5, 5, 5, 5, 6]).outliers).toEqual({ lowSevere: 0, lowMild: 0, highMild: 0, highSevere: 1 });
  });

  it('gives NaN everywhere and n = 0 for no samples, without throwing', () => {
    const s = summarizeSamples([]);
    expect(s.n).toBe(0);
    for (const x of [s.p50, s.ci95[0], s.ci95[1], s.ciCoverage, s.p99, s.mean, s.min, s.max]) expect(x).toBeNaN();
    expect(s.outliers).toEqual({ lowSevere: 0, lowMild: 0, highMild: 0, highSevere: 0 });
  });

  it('does not mutate its input and keeps min <= ci95[0] <= p50 <= ci95[1] <= max and p50 <= p99', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 300 }), (xs) => {
        const copy = [...xs];
        const s = summarizeSamples(xs);
        expect(xs).toEqual(copy);
        expect(s.n).toBe(xs.length);
        expect(s.min).toBeLessThanOrEqual(s.ci95[0]);
        expect(s.ci95[0]).toBeLessThanOrEqual(s.p50);
        expect(s.p50).toBeLessThanOrEqual(s.ci95[1]);
        expect(s.ci95[1]).toBeLessThanOrEqual(s.max);
        expect(s.p50).toBeLessThanOrEqual(s.p99);
        if (s.n >= 6) expect(s.ciCoverage).toBeGreaterThanOrEqual(0.95);
        const o = s.outliers;
        expect(o.lowSevere + o.lowMild + o.highMild + o.highSevere).toBeLessThanOrEqual(s.n);
      }),
      { seed: 13, numRuns: 200 },
    );
  });
});

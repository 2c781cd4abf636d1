import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { medianInterval } from '../../src/stats/median-interval.js';

/** 1, 2, …, n: each sample equals its 1-based rank, so the interval reads as ranks. */
const ranks = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** Exact reference by BigInt: the largest k with 1 - 2 P(B <= k - 1) >= confidence, and that coverage. */
function exactReference(n: number, confidence: number): { k: number; coverage: number } {
  const total = 1n << BigInt(n);
  // confidence as a fraction num/den, so that the comparison is exact for 0.95, 0.9, 0.99.
  const den = 1000n;
  const num = BigInt(Math.round(confidence * 1000));
  let choose = 1n; // C(n, k - 1)
  let cdf = 1n; // total · P(B <= k - 1)
  let k = 1;
  while (k + 1 <= (n + 1) / 2) {
    const nextChoose = (choose * BigInt(n - k + 1)) / BigInt(k); // C(n, k)
    const nextCdf = cdf + nextChoose;
    // coverage(k + 1) = 1 - 2 nextCdf / total >= num / den
    if ((total - 2n * nextCdf) * den < num * total) break;
    choose = nextChoose;
    cdf = nextCdf;
    k++;
  }
  return { k, coverage: 1 - Number((2n * cdf * 10n ** 18n) / total) / 1e18 };
}

describe('medianInterval', () => {
  it('n = 6: [min, max], coverage 1 - 2·(1/64) = 0.96875', () => {
    expect(medianInterval(ranks(6))).toEqual({ lo: 1, hi: 6, coverage: expect.closeTo(0.96875, 14) as number });
  });

  it('n = 10: ranks 2 and 9, coverage 1 - 2·(1 + 10)/1024 = 0.978515625', () => {
    // Ranks 3 and 8 would cover only 1 - 2·(1 + 10 + 45)/1024 = 0.890625.
    const ci = medianInterval(ranks(10));
    expect([ci.lo, ci.hi]).toEqual([2, 9]);
    expect(ci.coverage).toBeCloseTo(0.978515625, 14);
  });

  it('n = 100: ranks 40 and 61', () => {
    // Exact sums (python: sum(math.comb(100, j) for j in range(40)) and 2**100):
    //   P(B <= 39) = 22310777467063680597071392880 / 1267650600228229401496703205376 = 0.017600100108852407
    //   P(B <= 40) = 36057011612866492098338762600 / 1267650600228229401496703205376 = 0.028443966820490395
    // so k = 40 covers 1 - 2·0.0176001… = 0.9647997997822951, and k = 41 only 0.9431120663590192 < 0.95.
    const ci = medianInterval(ranks(100));
    expect([ci.lo, ci.hi]).toEqual([40, 61]);
    expect(ci.coverage).toBeCloseTo(0.9647997997822951, 13);
  });

  it('n = 10,000: ranks 4902 and 5099, a half-width of about 1.96·sqrt(n)/2 = 98 ranks', () => {
    // Exact integer sums in python (largest k with 40·Σ_{j<k} C(n, j) <= 2^n): k = 4902, coverage 0.9511670501036181.
    const ci = medianInterval(ranks(10_000));
    expect([ci.lo, ci.hi]).toEqual([4902, 5099]);
    expect(ci.coverage).toBeCloseTo(0.9511670501036181, 11);
    expect(Math.abs((ci.hi - ci.lo) / 2 - (1.96 * Math.sqrt(10_000)) / 2)).toBeLessThanOrEqual(1);
  });

  it('n = 100,000: exact ranks 49690 and 50311, without underflow', () => {
    // Same python integer computation as for n = 10,000: coverage 0.9504442853304751.
    const xs = ranks(100_000);
    const ci = medianInterval(xs);
    expect([ci.lo, ci.hi]).toEqual([49690, 50311]);
    expect(ci.coverage).toBeCloseTo(0.9504442853304751, 10);
  });

  it('falls back to [min, max] with its lower coverage when n < 6, and never throws', () => {
    expect(medianInterval(ranks(5))).toEqual({ lo: 1, hi: 5, coverage: expect.closeTo(1 - 2 / 32, 14) as number });
    expect(medianInterval(ranks(2))).toEqual({ lo: 1, hi: 2, coverage: expect.closeTo(0.5, 14) as number });
    // One sample: the degenerate interval [x, x] covers the median with probability 0.
    expect(medianInterval([3])).toEqual({ lo: 3, hi: 3, coverage: expect.closeTo(0, 14) as number });
    const empty = medianInterval([]);
    expect([empty.lo, empty.hi, empty.coverage]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
  });

  it('honours other confidence levels and rejects levels outside (0, 1)', () => {
    // n = 10 at 90%: 1 - 2·56/1024 = 0.890625 < 0.90, so ranks 2 and 9 still.
    expect(medianInterval(ranks(10), 0.9)).toMatchObject({ lo: 2, hi: 9 });
    // n = 10 at 85%: ranks 3 and 8, coverage 0.890625.
    expect(medianInterval(ranks(10), 0.85)).toEqual({ lo: 3, hi: 8, coverage: expect.closeTo(0.890625, 14) as number });
    expect(() => medianInterval(ranks(10), 95)).toThrow(OptionsError);
    expect(() => medianInterval(ranks(10), 0)).toThrow(OptionsError);
  });

  it('agrees with exact BigInt binomial sums for every n up to 150 at 90%, 95% and 99%', () => {
    for (const confidence of [0.9, 0.95, 0.99]) {
      for (let n = 1; n <= 150; n++) {
        const ref = exactReference(n, confidence);
        const ci = medianInterval(ranks(n), confidence);
        expect([ci.lo, ci.hi, n]).toEqual([ref.k, n - ref.k + 1, n]);
        expect(ci.coverage).toBeCloseTo(ref.coverage, 12);
      }
    }
  });

  it('reaches the requested coverage for n >= 6 with the narrowest symmetric interval (exact sums up to n = 3000)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 6, max: 3000 }), (n) => {
        const ci = medianInterval(ranks(n));
        expect(ci.coverage).toBeGreaterThanOrEqual(0.95);
        expect(ci.lo + ci.hi).toBe(n + 1);
        expect(ci.lo).toBe(exactReference(n, 0.95).k);
      }),
      { seed: 11, numRuns: 60 },
    );
  });

  it('reads values, not ranks, from the sorted input', () => {
    const xs = [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2];
    expect(medianInterval(xs)).toMatchObject({ lo: 0.2, hi: 25.6 });
  });
});

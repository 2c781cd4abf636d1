import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../../src/stats/mann-whitney.js';

/** Relative difference, for p-values that span many orders of magnitude. */
const rel = (x: number, ref: number): number => Math.abs(x - ref) / Math.abs(ref);

// scipy.stats.mannwhitneyu documentation, Examples (after Hollander & Wolfe via its reference [4]): ages at which
// nine young adults were diagnosed with type II diabetes.
const males = [19, 22, 16, 29, 24];
const females = [20, 11, 17, 12];

/** 70 distinct integers: (17·i) mod 71 for i = 1..70, a permutation of 1..70. */
const perm = Array.from({ length: 70 }, (_, i) => ((i + 1) * 17) % 71);

/** Two-sided exact p by enumerating every split of the pooled (distinct) values: the permutation test itself. */
function bruteForceP(a: readonly number[], b: readonly number[]): number {
  const pooled = [...a, ...b];
  const n1 = a.length;
  const countGreater = (xs: readonly number[], ys: readonly number[]): number => xs.reduce((s, x) => s + ys.filter((y) => x > y).length, 0);
  const observed = countGreater(a, b);
  const extreme = Math.min(observed, n1 * b.length - observed);
  let hits = 0;
  let total = 0;
  for (let mask = 0; mask < 1 << pooled.length; mask++) {
    let bits = 0;
    for (let m = mask; m > 0; m >>= 1) bits += m & 1;
    if (bits !== n1) continue;
    const xs = pooled.filter((_, i) => (mask >> i) & 1);
    const ys = pooled.filter((_, i) => !((mask >> i) & 1));
    if (countGreater(xs, ys) <= extreme) hits++;
    total++;
  }
  return Math.min(1, (2 * hits) / total);
}

describe('mannWhitneyU against published values', () => {
  it('scipy docs, exact: U1 = 17.0, p = 0.1111111111111111', () => {
    // scipy.stats.mannwhitneyu docs: `U1, p = mannwhitneyu(males, females, method="exact")` prints 17.0 and
    // 0.1111111111111111; U2 = nx·ny − U1 = 3.0. By hand: P(U <= 3) = 7/126, doubled = 1/9.
    const r = mannWhitneyU(males, females);
    expect(r).toEqual({ u: 17, p: expect.closeTo(0.1111111111111111, 15) as number, method: 'exact' });
    expect(mannWhitneyU(females, males)).toEqual({ u: 3, p: expect.closeTo(0.1111111111111111, 15) as number, method: 'exact' });
  });

  it('scipy docs, asymptotic: p = 0.11134688653314041 with the continuity correction', () => {
    // scipy.stats.mannwhitneyu docs: `_, pnorm = mannwhitneyu(males, females, method="asymptotic")` prints
    // 0.11134688653314041 (z = (17 − 10 − 0.5) / sqrt(5·4·10/12)).
    const r = mannWhitneyU(males, females, 'normal');
    expect(r.u).toBe(17);
    expect(r.method).toBe('normal');
    expect(rel(r.p, 0.11134688653314041)).toBeLessThan(1e-14);
  });

  it("Wikipedia's tortoise and hare race: U_T = 11, U_H = 25", () => {
    // Wikipedia, Mann–Whitney U test, "Illustration of calculation methods": finishing order T H H H H H T T T T T H,
    // scored 12 for the first home down to 1 for the last; U_T = 11, U_H = 25, and the result is not significant.
    const tortoises = [12, 6, 5, 4, 3, 2];
    const hares = [11, 10, 9, 8, 7, 1];
    const r = mannWhitneyU(tortoises, hares);
    expect(r.u).toBe(11);
    expect(mannWhitneyU(hares, tortoises).u).toBe(25);
    // scipy 1.17.1 mannwhitneyu(tortoises, hares, method='exact').pvalue = 0.30952380952380953 (= 2·143/924).
    expect(r.p).toBeCloseTo(0.30952380952380953, 14);
    expect(r.method).toBe('exact');
  });

  it("R's ?wilcox.test permeability example (Hollander & Wolfe): W = 35, one-sided p = 0.1272", () => {
    // R documentation, wilcox.test examples: wilcox.test(x, y, alternative = "g") gives W = 35, p-value = 0.1272.
    // Two-sided is twice that; scipy 1.17.1 method='exact' gives 0.2544122544122544.
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const r = mannWhitneyU(x, y);
    expect(r.u).toBe(35);
    expect(r.p / 2).toBeCloseTo(0.1272, 4);
    expect(r.p).toBeCloseTo(0.2544122544122544, 14);
  });
});

describe('mannWhitneyU against scipy 1.17.1 (mannwhitneyu, alternative="two-sided"; values printed with repr)', () => {
  it('exact, 30 against 40 values, shifted by 10.5: U = 445, p = 0.06649239744979321', () => {
    const a = perm.slice(0, 30);
    const b = perm.slice(30).map((v) => v + 10.5);
    const r = mannWhitneyU(a, b);
    expect(r.u).toBe(445);
    expect(r.method).toBe('exact');
    expect(rel(r.p, 0.06649239744979321)).toBeLessThan(1e-12);
    // method='asymptotic' on the same data: 0.06671671062008323.
    expect(rel(mannWhitneyU(a, b, 'normal').p, 0.06671671062008323)).toBeLessThan(1e-12);
  });

  it('exact, 30 against 40 values, no shift: U = 624, p = 0.7817148523818762', () => {
    const r = mannWhitneyU(perm.slice(0, 30), perm.slice(30));
    expect(r.u).toBe(624);
    expect(rel(r.p, 0.7817148523818762)).toBeLessThan(1e-12);
  });

  it('exact, 50 against 50 fully separated: U = 0, p = 2/C(100, 50) = 1.9823306042836686e-29', () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    const r = mannWhitneyU(a, a.map((v) => v + 100));
    expect(r).toMatchObject({ u: 0, method: 'exact' });
    expect(rel(r.p, 1.9823306042836686e-29)).toBeLessThan(1e-12);
  });

  it('normal with ties: [1,2,2,3,4,5,5,5,6] against [3,3,4,6,7,7,8,9]: U = 16, p = 0.05871258121935058', () => {
    const r = mannWhitneyU([1, 2, 2, 3, 4, 5, 5, 5, 6], [3, 3, 4, 6, 7, 7, 8, 9]);
    expect(r).toMatchObject({ u: 16, method: 'normal' });
    expect(rel(r.p, 0.05871258121935058)).toBeLessThan(1e-13);
  });

  it('normal with many ties, 60 against 70 small integers: U = 1656.5, p = 0.0385470333369949', () => {
    // python: a = [(i*7919) % 1009 % 97 for i in range(60)], b = [(j*7907+13) % 1013 % 97 + 9 for j in range(70)].
    const a = Array.from({ length: 60 }, (_, i) => ((i * 7919) % 1009) % 97);
    const b = Array.from({ length: 70 }, (_, j) => (((j * 7907 + 13) % 1013) % 97) + 9);
    const r = mannWhitneyU(a, b);
    expect(r).toMatchObject({ u: 1656.5, method: 'normal' });
    expect(rel(r.p, 0.0385470333369949)).toBeLessThan(1e-13);
  });

  it('normal without ties beyond 50 values: 60 against 70, U = 1308, p = 0.0002186615754501082', () => {
    // python: a = [(i*13) % 61 for i in range(1, 61)], b = [(j*29) % 89 + 0.25 for j in range(1, 71)].
    const a = Array.from({ length: 60 }, (_, i) => ((i + 1) * 13) % 61);
    const b = Array.from({ length: 70 }, (_, j) => (((j + 1) * 29) % 89) + 0.25);
    const r = mannWhitneyU(a, b);
    expect(r).toMatchObject({ u: 1308, method: 'normal' });
    expect(rel(r.p, 0.0002186615754501082)).toBeLessThan(1e-13);
  });

  it('normal deep in the tail, 200 against 200 fully separated: p = 4.830856390397399e-67', () => {
    const a = Array.from({ length: 200 }, (_, i) => i);
    const r = mannWhitneyU(a, a.map((v) => v + 1000));
    expect(r.u).toBe(0);
    expect(rel(r.p, 4.830856390397399e-67)).toBeLessThan(1e-12);
  });
});

describe('mannWhitneyU edge cases', () => {
  it('gives p = 1 for empty input, identical samples, and samples that are all one value', () => {
    expect(mannWhitneyU([], [1, 2, 3])).toEqual({ u: 0, p: 1, method: 'exact' });
    expect(mannWhitneyU([1, 2], [])).toEqual({ u: 0, p: 1, method: 'exact' });
    expect(mannWhitneyU([], [], 'normal')).toEqual({ u: 0, p: 1, method: 'normal' });
    expect(mannWhitneyU([4, 1, 3], [4, 1, 3])).toEqual({ u: 4.5, p: 1, method: 'normal' });
    expect(mannWhitneyU([5, 5, 5], [5, 5])).toEqual({ u: 3, p: 1, method: 'normal' });
    expect(mannWhitneyU([1], [2])).toEqual({ u: 0, p: 1, method: 'exact' });
  });

  it('gives NaN rather than a made-up answer when a sample holds NaN', () => {
    const r = mannWhitneyU([1, Number.NaN], [2, 3]);
    expect(r.u).toBeNaN();
    expect(r.p).toBeNaN();
  });

  it('runs the exact path at its 50-by-50 limit', () => {
    const a = perm.slice(0, 35).concat(perm.slice(0, 15).map((v) => v + 0.5));
    const b = perm.slice(35).concat(perm.slice(15, 30).map((v) => v + 0.25));
    const r = mannWhitneyU(a, b);
    expect(r.method).toBe('exact');
    expect(r.p).toBeGreaterThan(0);
    expect(r.p).toBeLessThanOrEqual(1);
  });
});

describe('mannWhitneyU properties', () => {
  const sample = fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 60 });

  it('U(a, b) + U(b, a) = n1·n2, p is symmetric and within (0, 1], and U counts pairs', () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const ab = mannWhitneyU(a, b);
        const ba = mannWhitneyU(b, a);
        expect(ab.u + ba.u).toBe(a.length * b.length);
        expect(ab.p).toBeCloseTo(ba.p, 14);
        expect(ab.p).toBeGreaterThan(0);
        expect(ab.p).toBeLessThanOrEqual(1);
        const pairs = a.reduce((s, x) => s + b.reduce((t, y) => t + (x > y ? 1 : x === y ? 0.5 : 0), 0), 0);
        expect(ab.u).toBe(pairs);
      }),
      { seed: 3, numRuns: 300 },
    );
  });

  it('the exact p equals the permutation test enumerated by brute force', () => {
    const distinct = fc.uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 13 });
    fc.assert(
      fc.property(distinct, fc.integer({ min: 1, max: 12 }), (values, cut) => {
        const at = Math.min(cut, values.length - 1);
        const a = values.slice(0, at);
        const b = values.slice(at);
        const r = mannWhitneyU(a, b);
        expect(r.method).toBe('exact');
        expect(r.p).toBeCloseTo(bruteForceP(a, b), 12);
      }),
      { seed: 5, numRuns: 80 },
    );
  });

  it('the normal approximation stays close to the exact p for 20-by-20 samples', () => {
    const distinct = fc.uniqueArray(fc.integer({ min: 0, max: 100_000 }), { minLength: 40, maxLength: 40 });
    fc.assert(
      fc.property(distinct, fc.integer({ min: 0, max: 60_000 }), (values, shift) => {
        const a = values.slice(0, 20);
        const b = values.slice(20).map((v) => v + shift + 0.5);
        expect(Math.abs(mannWhitneyU(a, b).p - mannWhitneyU(a, b, 'normal').p)).toBeLessThan(0.01);
      }),
      { seed: 9, numRuns: 50 },
    );
  });
});

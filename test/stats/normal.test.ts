import { describe, expect, it } from 'vitest';
import { erfc, normalSf } from '../../src/stats/normal.js';

/** Relative difference, for values that span hundreds of orders of magnitude. */
const rel = (x: number, ref: number): number => Math.abs(x - ref) / Math.abs(ref);

describe('normalSf', () => {
  it('matches scipy.stats.norm.sf to within the rounding of z/√2, deep into the tail', () => {
    // Reference values printed by scipy 1.17.1: repr(float(scipy.stats.norm.sf(z))).
    const table: [number, number][] = [
      [0, 0.5],
      [0.5, 0.3085375387259869],
      [1.96, 0.024997895148220435],
      [5, 2.866515718791933e-7],
      [10, 7.61985302416047e-24],
      [20, 2.7536241186061556e-89],
      [37, 5.7255712225239266e-300],
    ];
    // Rounding z/√2 moves exp(-z²/2) by about z²·eps relative, whoever computes it; allow a few times that.
    for (const [z, ref] of table) expect(rel(normalSf(z), ref)).toBeLessThan(1e-15 + 4e-16 * z * z);
  });

  it('is symmetric: sf(-z) = 1 - sf(z)', () => {
    for (const z of [0.1, 0.7, 1, 1.5, 3, 8]) expect(normalSf(-z)).toBeCloseTo(1 - normalSf(z), 15);
  });
});

describe('erfc', () => {
  it('hits its known values and limits', () => {
    expect(erfc(0)).toBe(1);
    // erfc(1) = 0.157299207050285130658... (Abramowitz & Stegun table 7.1 gives erf(1) = 0.842700792949715).
    expect(rel(erfc(1), 0.15729920705028513)).toBeLessThan(1e-15);
    expect(erfc(-1)).toBeCloseTo(2 - 0.15729920705028513, 15);
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(Number.NaN)).toBeNaN();
  });

  it('is continuous across its branch points', () => {
    for (const x of [0.25, 0.84375, 1.25, 1 / 0.35, 6, 28]) {
      const below = erfc(x * (1 - 1e-12));
      const above = erfc(x * (1 + 1e-12));
      if (x === 28) expect(above).toBe(0);
      else expect(rel(below, above)).toBeLessThan(1e-9);
    }
  });
});

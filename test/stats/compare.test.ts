import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { compareSamples } from '../../src/stats/compare.js';
import { mannWhitneyU } from '../../src/stats/mann-whitney.js';

const base = Array.from({ length: 30 }, (_, i) => i + 1);
const slower = base.map((v) => v * 1.5);

describe('compareSamples', () => {
  it("calls identical runs '~' with p = 1 and ratio 1", () => {
    expect(compareSamples(base, [...base])).toEqual({ ratio: 1, p: 1, verdict: '~' });
    expect(compareSamples([2, 2, 2], [2, 2, 2])).toEqual({ ratio: 1, p: 1, verdict: '~' });
  });

  it("calls a 1.5× slower new run 'slower', and the reverse 'faster'", () => {
    // scipy 1.17.1 mannwhitneyu(1..30, 1.5·(1..30), method='asymptotic'): U = 295, p = 0.02234150919145412.
    const r = compareSamples(base, slower);
    expect(r.verdict).toBe('slower');
    expect(r.ratio).toBeCloseTo(1.5, 14); // median 23.25 / 15.5
    expect(r.p).toBeCloseTo(0.02234150919145412, 13);
    const back = compareSamples(slower, base);
    expect(back).toMatchObject({ verdict: 'faster', p: r.p });
    expect(back.ratio).toBeCloseTo(1 / 1.5, 14);
  });

  it("calls it '~' when p >= alpha, and honours a looser alpha", () => {
    // scipy docs example: exact p = 1/9 between these samples.
    const females = [20, 11, 17, 12];
    const males = [19, 22, 16, 29, 24];
    expect(compareSamples(females, males)).toMatchObject({ verdict: '~', p: expect.closeTo(1 / 9, 14) as number });
    const loose = compareSamples(females, males, 0.2);
    expect(loose.verdict).toBe('slower');
    expect(loose.ratio).toBeCloseTo(22 / 14.5, 14);
    expect(compareSamples(base, slower, 0.01).verdict).toBe('~');
  });

  it('uses the Mann–Whitney p-value of the same samples', () => {
    expect(compareSamples(base, slower).p).toBe(mannWhitneyU(base, slower).p);
  });

  it("answers '~' with p = 1 for empty input, and rejects alpha outside (0, 1)", () => {
    const r = compareSamples([], [1, 2, 3]);
    expect(r.verdict).toBe('~');
    expect(r.p).toBe(1);
    expect(r.ratio).toBeNaN();
    expect(() => compareSamples(base, slower, 5)).toThrow(OptionsError);
  });

  it('does not mutate its inputs', () => {
    const a = [3, 1, 2];
    const b = [6, 4, 5];
    compareSamples(a, b);
    expect([a, b]).toEqual([
      [3, 1, 2],
      [6, 4, 5],
    ]);
  });
});

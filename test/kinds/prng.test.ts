import { describe, expect, it } from 'vitest';
import { createPrng, drawDistinct } from '../../src/kinds/prng.js';

describe('prng', () => {
  it('repeats its sequence for a seed and stays in range', () => {
    const a = createPrng(9);
    const b = createPrng(9);
    const draws = Array.from({ length: 1000 }, () => a.nextBelow(10));
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b.nextBelow(10)));
    expect(new Set(draws)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(Array.from({ length: 1000 }, () => a.nextFloat()).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws distinct values covering the whole range when asked for all of it', () => {
    const all = Array.from(drawDistinct(createPrng(1), 500, 500));
    expect(new Set(all).size).toBe(500);
    expect(Math.min(...all)).toBe(0);
    expect(Math.max(...all)).toBe(499);
    expect(all).not.toEqual([...all].sort((x, y) => x - y));
  });
});

import { describe, expect, it } from 'vitest';
import { holmAdjust } from '../../src/stats/holm.js';

describe('holmAdjust', () => {
  it('multiplies the k-th smallest p by (m − k + 1), keeps them monotone and caps at 1, in the order given', () => {
    // Worked example: m = 4, sorted 0.01, 0.02, 0.03, 0.2 → 0.04, 0.06, 0.06, 0.2.
    const adjusted = holmAdjust([0.03, 0.2, 0.01, 0.02]);
    expect(adjusted.map((x) => Number(x.toFixed(10)))).toEqual([0.06, 0.2, 0.04, 0.06]);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
  });

  it('leaves a single p as it is', () => {
    expect(holmAdjust([0.013])).toEqual([0.013]);
  });
});

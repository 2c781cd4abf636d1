import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/harness/stats.js';

describe('summarize', () => {
  it('computes percentiles, mean and relative margin of error by hand-checked values', () => {
    const s = summarize([4, 1, 3, 2, 5]);
    expect(s.p50).toBe(3);
    expect(s.p99).toBeCloseTo(4.96, 10);
    expect(s.mean).toBe(3);
    // sd = sqrt(2.5); sem = sd / sqrt(5) = 0.7071; rme = 1.96 * 0.7071 / 3 * 100
    expect(s.rme).toBeCloseTo(46.198, 2);
    expect(s.samples).toBe(5);
  });

  it('handles one sample and none', () => {
    expect(summarize([7])).toEqual({ p50: 7, p99: 7, mean: 7, rme: 0, samples: 1 });
    expect(summarize([]).samples).toBe(0);
  });
});

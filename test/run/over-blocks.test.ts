import { describe, expect, it } from 'vitest';
import { summarizeSamples } from '../../src/stats/summary.js';
import { overBlocks } from '../../src/run/row.js';

describe('overBlocks', () => {
  const steps = summarizeSamples(Array.from({ length: 100 }, (_, i) => 1 + i / 100));

  it('keeps the per-step interval below six blocks, and takes the blocks’ interval from six on', () => {
    expect(overBlocks(steps, [1, 2, 3, 4, 5])).toEqual(steps);
    const blocks = [1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0, 1.45];
    const over = overBlocks(steps, blocks);
    expect(over.p50).toBe(steps.p50);
    expect(over.ci95).toEqual(summarizeSamples(blocks).ci95);
  });

  it('widens the blocks’ interval to take in the pooled median where that falls outside it', () => {
    const high = [1.9, 1.95, 2.0, 2.05, 2.1, 2.15, 2.2, 2.25, 2.3, 2.35];
    const over = overBlocks(steps, high);
    expect(over.ci95[0]).toBe(steps.p50);
    expect(over.ci95[1]).toBe(summarizeSamples(high).ci95[1]);
  });
});

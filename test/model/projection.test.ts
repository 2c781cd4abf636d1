import { describe, expect, it } from 'vitest';
import { perPeerCost, projectBand, projectOntoGpu } from '../../src/model/projection.js';
import { presetForTp, stepTimeFor, STEP_PRESETS } from '../../src/model/presets.js';

// Rank sides 1..100 ms (uniform order statistics), encode always 2 ms, stalls 3..102 ms, 0.5 ms per extra peer.
const inputs = {
  tp: 2,
  oversubscribed: false,
  stall: Array.from({ length: 100 }, (_, i) => i + 3),
  encode: Array(100).fill(2),
  rankSide: Array.from({ length: 100 }, (_, i) => i + 1),
  transfer: Array(100).fill(0.8),
  perPeerMs: 0.5,
  perPeerBasis: 'given',
};

describe('projectBand', () => {
  it('at the measured TP is the measured median at both ends', () => {
    const band = projectBand(inputs, 2);
    // Median of 3..102 (type 7) is 52.5; encode + median rank side is 2 + 50.5, the same.
    expect(band.lowMs).toBeCloseTo(52.5, 12);
    expect(band.highMs).toBeCloseTo(52.5, 12);
  });

  it('low: every rank as fast as the measured one; high: the slowest of tp − 1 independent ranks, plus a serial fan-out', () => {
    const band = projectBand(inputs, 8);
    expect(band.lowMs).toBeCloseTo(52.5, 12);
    // The median of the max of 7 draws sits at the 0.5^(1/7) = 0.90572 quantile: 1 + 99 × 0.90572 = 90.666 ms.
    const q = 0.5 ** (1 / 7);
    expect(band.highMs).toBeCloseTo(2 + 1 + 99 * q + 6 * 0.5, 9);
    expect(band.basis).toMatch(/slowest of 7/);
    expect(band.basisOversubscribed).toBe(false);
  });

  it('draws the slowest rank from the spread within blocks, so drift that moves every rank alike does not widen it', () => {
    // Two blocks, the second 50 ms slower throughout; within each block the rank side spreads 0..9 ms.
    const rankSide = [...Array.from({ length: 10 }, (_, i) => 10 + i), ...Array.from({ length: 10 }, (_, i) => 60 + i)];
    const rankSideBlock = [...Array(10).fill(0), ...Array(10).fill(1)];
    const drifting = { ...inputs, stall: rankSide.map((r) => r + 2), encode: Array(20).fill(2), rankSide, transfer: Array(20).fill(0.8), perPeerMs: 0 };
    const q = 0.5 ** (1 / 7);
    const pooled = projectBand(drifting, 8);
    const withinBlocks = projectBand({ ...drifting, rankSideBlock }, 8);
    // Pooled, the 90.6th percentile lands in the slow block; within blocks it is the median plus the spread's quantile.
    const sorted = [...rankSide].sort((a, b) => a - b);
    const at = (xs: number[], p: number): number => {
      const h = (xs.length - 1) * p;
      return (xs[Math.floor(h)] as number) + (h - Math.floor(h)) * ((xs[Math.ceil(h)] as number) - (xs[Math.floor(h)] as number));
    };
    const residuals = rankSide.map((r, i) => r - (i < 10 ? 14.5 : 64.5)).sort((a, b) => a - b);
    expect(pooled.highMs).toBeCloseTo(2 + at(sorted, q), 9);
    expect(withinBlocks.highMs).toBeCloseTo(2 + at(sorted, 0.5) + at(residuals, q), 9);
    expect(withinBlocks.highMs).toBeLessThan(pooled.highMs);
    expect(withinBlocks.basis).toMatch(/spread within blocks/);
  });

  it('falls back to all steps where blocks are too small to have a spread, and says so', () => {
    // Ten blocks of one step each: within-block residuals are all zero, which would put the slowest rank at the median.
    const rankSide = Array.from({ length: 10 }, (_, i) => 100 + 10 * i);
    const oneStepBlocks = { ...inputs, stall: rankSide.map((r) => r + 2), encode: Array(10).fill(2), rankSide, transfer: Array(10).fill(0.8), perPeerMs: 0, rankSideBlock: rankSide.map((_, i) => i) };
    const band = projectBand(oneStepBlocks, 4);
    const q = 0.5 ** (1 / 3);
    expect(band.highMs).toBeCloseTo(2 + 100 + 90 * q, 9);
    expect(band.highMs).toBeGreaterThan(band.lowMs);
    expect(band.basis).toMatch(/over all its steps/);
  });

  it('widens with the TP, and carries an oversubscribed basis forward', () => {
    const four = projectBand({ ...inputs, oversubscribed: true }, 4);
    const eight = projectBand({ ...inputs, oversubscribed: true }, 8);
    expect(eight.highMs).toBeGreaterThan(four.highMs);
    expect(eight.lowMs).toBe(four.lowMs);
    expect(eight.basisOversubscribed).toBe(true);
    expect(eight.basis).toMatch(/oversubscribed/);
  });

  it('is zero without peers', () => {
    expect(projectBand(inputs, 1)).toMatchObject({ lowMs: 0, highMs: 0 });
  });
});

describe('perPeerCost', () => {
  it('is the transfer less the empty message, the whole transfer (an upper bound) without one, and nothing where one write serves every rank', () => {
    expect(perPeerCost('ipc', [1, 2, 3], 0.5).ms).toBeCloseTo(1.5, 12);
    expect(perPeerCost('ipc', [0.1, 0.2, 0.3], 0.5).ms).toBe(0);
    expect(perPeerCost('ipc', [1, 2, 3], null)).toEqual({ ms: 2, basis: expect.stringMatching(/upper bound/) });
    expect(perPeerCost('shm-ring', [1, 2, 3], 0.5).ms).toBe(0);
  });
});

describe('step time per TP', () => {
  it('takes the preset measured at that TP, the user figure over any preset, and none where nothing is published', () => {
    expect(presetForTp(4)?.name).toBe('llama-70b-tp4-h100');
    expect(stepTimeFor(8, undefined)?.stepMs).toBe(STEP_PRESETS['falcon-180b-tp8-h100'].stepMs);
    expect(stepTimeFor(8, undefined)?.label).toMatch(/Falcon 180B/);
    expect(stepTimeFor(8, 12)).toMatchObject({ stepMs: 12, source: 'given by the user' });
    expect(stepTimeFor(16, undefined)).toBeNull();
    expect(stepTimeFor(16, undefined, 'llama-70b-tp4-h100')?.stepMs).toBe(24.5);
  });
});

describe('projectOntoGpu', () => {
  it('computes idle share and tokens lost for the story: 6 ms stall on a 20 ms step, batch 64', () => {
    const p = projectOntoGpu(6, { stepMs: 20, overlap: false, batch: 64, tp: 4 });
    expect(p.exposedMs).toBe(6);
    expect(p.idleFraction).toBeCloseTo(6 / 26, 12);
    expect(p.tokensPerSecond).toBe(3200);
    // 64 tokens per 26 ms instead of per 20 ms: 3200 − 2461.54 = 738.46 tok/s lost.
    expect(p.tokensPerSecondLost).toBeCloseTo(3200 - 64000 / 26, 9);
  });

  it('hides a stall shorter than the step behind an overlapped scheduler, and exposes only the excess of a longer one', () => {
    expect(projectOntoGpu(6, { stepMs: 20, overlap: true, batch: 64, tp: 4 })).toMatchObject({ exposedMs: 0, idleFraction: 0, tokensPerSecondLost: 0 });
    const long = projectOntoGpu(30, { stepMs: 20, overlap: true, batch: 64, tp: 4 });
    expect(long.exposedMs).toBe(10);
    expect(long.idleFraction).toBeCloseTo(10 / 30, 12);
  });
});

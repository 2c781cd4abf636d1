import { describe, expect, it } from 'vitest';
import { projectOntoGpu, projectStall } from '../../src/model/projection.js';

const parts = { encodeMs: 3, transferMs: 0.5, perPeerMs: 0.25, decodeMs: 3, deriveMs: 0.1 };

describe('projectStall', () => {
  it('adds the parts and one per-peer cost for every peer beyond the first', () => {
    expect(projectStall(parts, 2)).toBeCloseTo(6.6, 10);
    expect(projectStall(parts, 4)).toBeCloseTo(7.1, 10);
    expect(projectStall(parts, 8)).toBeCloseTo(8.1, 10);
  });

  it('is zero without peers', () => {
    expect(projectStall(parts, 1)).toBe(0);
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

import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/report/compare.js';
import { reproFigures } from '../../src/report/repro-section.js';
import { summarizeSamples } from '../../src/stats/summary.js';
import type { SweepRow } from '../../src/sweep/sweep.js';

/** A row whose only content that matters here is its raw stall samples. */
function row(codec: string, stall: number[]): SweepRow {
  return {
    runtime: 'node',
    codec,
    strategy: 'full',
    transport: 'ipc',
    batch: 64,
    seqLen: 512,
    sequence: 'generated',
    report: { regime: 'reused', measuredTp: 2, samples: { stall }, stall: summarizeSamples(stall) } as unknown as SweepRow['report'],
    projections: [],
    blocks: [],
    stallOverBlocks: summarizeSamples(stall),
    blockSpread: 0,
    launches: [],
    launchSpread: 0,
  };
}

const steady = Array.from({ length: 100 }, (_, i) => 1 + ((i * 37) % 100) / 1000);
const scaled = (k: number): number[] => steady.map((x) => x * k);

describe('reproFigures', () => {
  it('counts ~, within ±10% and the direction of change separately', () => {
    // Four rows: the same, 5% slower (significant on 100 steps, yet within 10%), 30% slower, 20% faster.
    const a = { rows: ['a', 'b', 'c', 'd'].map((codec) => row(codec, steady)) };
    const b = { rows: [row('a', steady), row('b', scaled(1.05)), row('c', scaled(1.3)), row('d', scaled(0.8))] };
    const f = reproFigures(compareResults(a, b).rows);
    expect(f).toMatchObject({ rows: 4, same: 1, within10: 2, held: 2, higher: 2, lower: 1 });
    expect(f.medianSignedChange).toBeCloseTo(0, 6);
    expect(f.medianAbsChange).toBeCloseTo(0.05, 6);
  });
});

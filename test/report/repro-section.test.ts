import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/report/compare.js';
import { reproFigures } from '../../src/report/repro-section.js';
import { stallRow } from './fixture.js';

const steady = Array.from({ length: 100 }, (_, i) => 1 + ((i * 37) % 100) / 1000);
const scaled = (k: number): number[] => steady.map((x) => x * k);
// Ten tight block medians a row, scaled alike: what compare tests.
const blocks = (k: number): number[] => Array.from({ length: 10 }, (_, i) => (1 + i / 1000) * k);

describe('reproFigures', () => {
  it('counts ~, within ±10% and the direction of change separately', () => {
    // Four rows: the same, 5% slower (significant on 10 blocks, yet within 10%), 30% slower, 20% faster.
    const a = { rows: ['a', 'b', 'c', 'd'].map((codec) => stallRow(codec, 512, steady, blocks(1))) };
    const b = { rows: [stallRow('a', 512, steady, blocks(1)), ...([['b', 1.05], ['c', 1.3], ['d', 0.8]] as const).map(([codec, k]) => stallRow(codec, 512, scaled(k), blocks(k)))] };
    const f = reproFigures(compareResults(a, b).rows);
    expect(f).toMatchObject({ rows: 4, same: 1, within10: 2, held: 2, higher: 2, lower: 1 });
    expect(f.medianSignedChange).toBeCloseTo(0, 6);
    expect(f.medianAbsChange).toBeCloseTo(0.05, 6);
  });
});

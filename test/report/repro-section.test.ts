import { describe, expect, it } from 'vitest';
import { compareResults } from '../../src/report/compare.js';
import { reproFigures } from '../../src/report/repro-section.js';
import { stallRow } from './fixture.js';

const steady = Array.from({ length: 100 }, (_, i) => 1 + ((i * 37) % 100) / 1000);
const scaled = (k: number): number[] => steady.map((x) => x * k);

describe('reproFigures', () => {
  it('counts ~, within ±10% and the direction of change separately', () => {
    // Four rows: the same, 5% slower (significant on 100 steps, yet within 10%), 30% slower, 20% faster.
    const a = { rows: ['a', 'b', 'c', 'd'].map((codec) => stallRow(codec, 512, steady)) };
    const b = { rows: [stallRow('a', 512, steady), stallRow('b', 512, scaled(1.05)), stallRow('c', 512, scaled(1.3)), stallRow('d', 512, scaled(0.8))] };
    const f = reproFigures(compareResults(a, b).rows);
    expect(f).toMatchObject({ rows: 4, same: 1, within10: 2, held: 2, higher: 2, lower: 1 });
    expect(f.medianSignedChange).toBeCloseTo(0, 6);
    expect(f.medianAbsChange).toBeCloseTo(0.05, 6);
  });
});

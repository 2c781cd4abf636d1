import { describe, expect, it } from 'vitest';
import { compareResults, formatComparison, regressions } from '../../src/report/compare.js';
import type { SweepResultsFile } from '../../src/report/sweep-results.js';
import { stallRow as row } from './fixture.js';

const steady = Array.from({ length: 100 }, (_, i) => 1 + ((i * 37) % 100) / 1000);
const slower = steady.map((x) => x * 1.3);

// Ten blocks of a steady row, and the same 30% slower: every block of one above every block of the other.
const blocksA = Array.from({ length: 10 }, (_, i) => 1 + ((i * 3) % 10) / 100);
const blocksSlower = blocksA.map((x) => x * 1.3);

describe('compareResults', () => {
  it('reports ~ on every row when a file is compared with itself', () => {
    const a: Pick<SweepResultsFile, 'rows'> = { rows: [row('msgpack', 512, steady, blocksA), row('cbor', 512, slower, blocksSlower)] };
    const c = compareResults(a, a);
    expect(c.rows.map((r) => r.verdict)).toEqual(['~', '~']);
    expect(c.rows.every((r) => r.ratio === 1 && r.test?.p === 1)).toBe(true);
    expect(c.onlyInA).toEqual([]);
  });

  it('calls a 30% shift of every block slower or faster, with the headline medians\' ratio, and lists rows present in one file only', () => {
    const a = { rows: [row('msgpack', 512, steady, blocksA), row('json', 512, steady, blocksA)] };
    const b = { rows: [row('msgpack', 512, slower, blocksSlower), row('v8', 512, steady, blocksA)] };
    const c = compareResults(a, b);
    expect(c.rows).toHaveLength(1);
    expect(c.rows[0]).toMatchObject({ codec: 'msgpack', verdict: 'slower', test: { unit: 'blocks', counts: [10, 10] } });
    // The change is the headline's (median of the steps), the figure the sweep printed, not the block medians'.
    expect(c.rows[0]?.ratio).toBe(c.rows[0] === undefined ? 0 : c.rows[0].b.p50 / c.rows[0].a.p50);
    expect(c.rows[0]?.a.p50).toBe(row('msgpack', 512, steady).stallOverBlocks.p50);
    expect(c.rows[0]?.test?.p).toBeLessThan(0.001);
    expect(c.onlyInA).toEqual(['node json full ipc reused 64x512 tp=2']);
    expect(c.onlyInB).toEqual(['node v8 full ipc reused 64x512 tp=2']);
    expect(compareResults(b, a).rows[0]?.verdict).toBe('faster');
  });

  it('never gives a verdict from steps: a row with fewer than 6 blocks in a run is ?, however far its steps moved', () => {
    const few = compareResults({ rows: [row('msgpack', 512, steady, blocksA.slice(0, 3))] }, { rows: [row('msgpack', 512, slower, blocksSlower.slice(0, 3))] });
    expect(few.rows[0]).toMatchObject({ verdict: '?', test: null, pAdjusted: 1 });
    expect(regressions(few, 10)).toEqual([]);
    expect(formatComparison(few, { a: 'A', b: 'B' })).toMatch(/1 rows have fewer than 6 blocks/);
    // Ten blocks whose medians overlap heavily between the runs, while their steps differ by 30%: not significant.
    const overlapping = [1, 1.4, 0.9, 1.3, 1.05, 1.2, 0.95, 1.35, 1.1, 1.25];
    const c = compareResults({ rows: [row('msgpack', 512, steady, overlapping)] }, { rows: [row('msgpack', 512, slower, overlapping.map((x, i) => x * (i % 2 === 0 ? 1.15 : 0.95)))] });
    expect(c.rows[0]).toMatchObject({ test: { unit: 'blocks', counts: [10, 10] }, verdict: '~' });
  });

  it('tests launch medians where both runs have at least 6 launches, and shows their medians beside the headline', () => {
    const launchesA = [1, 1.2, 0.9, 1.1, 1.05, 1.15];
    // Every block 30% slower, but the launches' medians overlap: one launch's processes do not make a verdict.
    const c = compareResults(
      { rows: [row('msgpack', 512, steady, blocksA, launchesA)] },
      { rows: [row('msgpack', 512, slower, blocksSlower, launchesA.map((x, i) => x * (i % 2 === 0 ? 1.1 : 0.95)))] },
    );
    expect(c.rows[0]).toMatchObject({ test: { unit: 'launches', counts: [6, 6] }, verdict: '~' });
    expect(c.rows[0]?.test?.medians[0]).toBeCloseTo(1.075, 12);
    expect(formatComparison(c, { a: 'A', b: 'B' })).toMatch(/6\+6 launches 1\.0[78]→/);
  });

  it("corrects for many rows (Holm): one row's p that is significant alone is not among 30 identical ones", () => {
    // 10 vs 10 blocks, 7 of B's 5% up: p ≈ 0.014 alone, 30 × that after Holm among 29 rows with p = 1.
    const a = Array.from({ length: 10 }, (_, i) => 1 + i / 100);
    const b = a.map((x, i) => (i < 7 ? x + 0.05 : x));
    const alone = compareResults({ rows: [row('msgpack', 512, a, a)] }, { rows: [row('msgpack', 512, b, b)] });
    expect(alone.rows[0]?.test?.p).toBeLessThan(0.05);
    expect(alone.rows[0]?.verdict).toBe('slower');
    const others = Array.from({ length: 29 }, (_, i) => row(`codec${i}`, 512, a, a));
    const many = compareResults({ rows: [row('msgpack', 512, a, a), ...others] }, { rows: [row('msgpack', 512, b, b), ...others] });
    expect(many.rows[0]?.pAdjusted).toBeGreaterThan(0.05);
    expect(many.rows[0]?.verdict).toBe('~');
  });

  it('calls a significant change under the noise threshold ~, and not with the threshold off', () => {
    const a = Array.from({ length: 10 }, (_, i) => 1 + i / 1000);
    const b = a.map((x) => x * 1.005);
    const opts = (noisePercent: number) => compareResults({ rows: [row('msgpack', 512, a, a.map((x) => x - 0.01))] }, { rows: [row('msgpack', 512, b, a.map((x) => x + 0.01))] }, { noisePercent });
    expect(opts(1).rows[0]?.verdict).toBe('~');
    expect(opts(0).rows[0]?.verdict).toBe('slower');
  });

  it('names the transport of each row where the runs measured more than one, so two rows never read as one', () => {
    const overRing = { ...row('msgpack', 512, slower), transport: 'shm-ring' as const };
    const both = { rows: [row('msgpack', 512, steady), overRing] };
    const lines = formatComparison(compareResults(both, both), { a: 'A', b: 'B' }).split('\n');
    expect(lines[0]).toMatch(/^codec +strategy +transport +seq_len/);
    expect(lines.filter((l) => /^msgpack +full +(ipc|shm-ring) +512 /.test(l))).toHaveLength(2);
    // One transport: no column for it.
    expect(formatComparison(compareResults({ rows: [row('msgpack', 512, steady)] }, { rows: [row('msgpack', 512, steady)] }), { a: 'A', b: 'B' })).not.toMatch(/transport/);
  });

  it('says which rows ran under different shm-ring wait policies in the two files', () => {
    const withPolicy = (spinUs: number) => {
      const r = { ...row('msgpack', 512, steady), transport: 'shm-ring' as const };
      return { ...r, report: { ...r.report, waitPolicy: { spinUs, sleepMinUs: 50, sleepMaxUs: 1000, activeMs: 100, yieldEveryMs: 2 } } };
    };
    const c = compareResults({ rows: [withPolicy(50), row('json', 512, steady)] }, { rows: [withPolicy(20_000), row('json', 512, steady)] });
    expect(c.policyDiffers.map((d) => d.key)).toEqual(['node msgpack full shm-ring reused 64x512 tp=2']);
    expect(formatComparison(c, { a: 'A', b: 'B' })).toMatch(/1 row\(s\) ran under different shm-ring wait policies \(A: \{"spinUs":50.*B: \{"spinUs":20000/);
    expect(compareResults({ rows: [withPolicy(50)] }, { rows: [withPolicy(50)] }).policyDiffers).toEqual([]);
  });

  it('fails above a threshold only on significant slowdowns larger than it', () => {
    const c = compareResults({ rows: [row('msgpack', 512, steady, blocksA)] }, { rows: [row('msgpack', 512, slower, blocksSlower)] });
    expect(regressions(c, 20)).toHaveLength(1);
    expect(regressions(c, 40)).toHaveLength(0);
    expect(regressions(compareResults({ rows: [row('msgpack', 512, slower, blocksSlower)] }, { rows: [row('msgpack', 512, steady, blocksA)] }), 1)).toHaveLength(0);
  });

  it('prints headline medians with intervals, the change, what was tested and the share of rows that held', () => {
    const text = formatComparison(compareResults({ rows: [row('msgpack', 512, steady, blocksA)] }, { rows: [row('msgpack', 512, slower, blocksSlower)] }), { a: 'A', b: 'B' });
    expect(text).toMatch(/msgpack\s+full\s+512\s+1\.05\d? \[/);
    expect(text).toMatch(/\+30\.\d%/);
    expect(text).toMatch(/10\+10 blocks/);
    expect(text).toMatch(/1 rows in both: 0 ~, 0 faster, 1 slower, 0 \? .* 0 \(0%\) either ~ or within ±10%/);
  });
});

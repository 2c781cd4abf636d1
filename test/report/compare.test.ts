import { describe, expect, it } from 'vitest';
import { compareResults, formatComparison, regressions } from '../../src/report/compare.js';
import type { SweepResultsFile } from '../../src/report/sweep-results.js';
import { stallRow as row } from './fixture.js';

const steady = Array.from({ length: 100 }, (_, i) => 1 + ((i * 37) % 100) / 1000);
const slower = steady.map((x) => x * 1.3);

describe('compareResults', () => {
  it('reports ~ on every row when a file is compared with itself', () => {
    const a: Pick<SweepResultsFile, 'rows'> = { rows: [row('msgpack', 512, steady), row('cbor', 512, slower)] };
    const c = compareResults(a, a);
    expect(c.rows.map((r) => r.verdict)).toEqual(['~', '~']);
    expect(c.rows.every((r) => r.ratio === 1 && r.p === 1)).toBe(true);
    expect(c.onlyInA).toEqual([]);
  });

  it('calls a 30% shift on 100 samples slower or faster, and lists rows present in one file only', () => {
    const a = { rows: [row('msgpack', 512, steady), row('json', 512, steady)] };
    const b = { rows: [row('msgpack', 512, slower), row('v8', 512, steady)] };
    const c = compareResults(a, b);
    expect(c.rows).toHaveLength(1);
    expect(c.rows[0]).toMatchObject({ codec: 'msgpack', verdict: 'slower' });
    expect(c.rows[0]?.ratio).toBeCloseTo(1.3, 2);
    expect(c.rows[0]?.p).toBeLessThan(0.001);
    expect(c.onlyInA).toEqual(['node json full ipc reused 64x512 tp=2']);
    expect(c.onlyInB).toEqual(['node v8 full ipc reused 64x512 tp=2']);
    expect(compareResults(b, a).rows[0]?.verdict).toBe('faster');
  });

  it('tests block medians where both runs have enough blocks: a shift inside every block alone does not make a verdict', () => {
    // Ten blocks whose medians overlap heavily between the runs, while their steps differ by 30%: not significant.
    const blocksA = [1, 1.4, 0.9, 1.3, 1.05, 1.2, 0.95, 1.35, 1.1, 1.25];
    const blocksB = blocksA.map((x, i) => x * (i % 2 === 0 ? 1.15 : 0.95));
    const c = compareResults({ rows: [row('msgpack', 512, steady, blocksA)] }, { rows: [row('msgpack', 512, slower, blocksB)] });
    expect(c.rows[0]).toMatchObject({ unit: 'blocks', counts: [10, 10], verdict: '~' });
    // The same steps without blocks are compared step by step, and the 30% shift is significant.
    expect(compareResults({ rows: [row('msgpack', 512, steady)] }, { rows: [row('msgpack', 512, slower)] }).rows[0]).toMatchObject({ unit: 'steps', verdict: 'slower' });
  });

  it('tests launch medians where both runs have at least 5 launches, and prints the medians of what it tested', () => {
    const blocksA = Array.from({ length: 10 }, (_, i) => 1 + i / 100);
    const launchesA = [1, 1.2, 0.9, 1.1, 1.05];
    // Every block 30% slower, but the launches' medians overlap: one launch's processes do not make a verdict.
    const c = compareResults(
      { rows: [row('msgpack', 512, steady, blocksA, launchesA)] },
      { rows: [row('msgpack', 512, slower, blocksA.map((x) => x * 1.3), launchesA.map((x, i) => x * (i % 2 === 0 ? 1.1 : 0.95)))] },
    );
    expect(c.rows[0]).toMatchObject({ unit: 'launches', counts: [5, 5], verdict: '~' });
    expect(c.rows[0]?.a.p50).toBe(1.05);
    expect(c.rows[0]?.a.n).toBe(5);
    // With blocks only, the printed medians are the block medians' and the ratio is theirs.
    const blocks = compareResults({ rows: [row('msgpack', 512, steady, blocksA)] }, { rows: [row('msgpack', 512, slower, blocksA.map((x) => x * 1.3))] });
    expect(blocks.rows[0]).toMatchObject({ unit: 'blocks', verdict: 'slower' });
    expect((blocks.rows[0]?.b.p50 ?? 0) / (blocks.rows[0]?.a.p50 ?? 1)).toBeCloseTo(blocks.rows[0]?.ratio ?? 0, 12);
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
    const c = compareResults({ rows: [row('msgpack', 512, steady)] }, { rows: [row('msgpack', 512, slower)] });
    expect(regressions(c, 20)).toHaveLength(1);
    expect(regressions(c, 40)).toHaveLength(0);
    expect(regressions(compareResults({ rows: [row('msgpack', 512, slower)] }, { rows: [row('msgpack', 512, steady)] }), 1)).toHaveLength(0);
  });

  it('prints medians with intervals, the change and the share of rows that held', () => {
    const text = formatComparison(compareResults({ rows: [row('msgpack', 512, steady)] }, { rows: [row('msgpack', 512, slower)] }), { a: 'A', b: 'B' });
    expect(text).toMatch(/msgpack\s+full\s+512\s+1\.05\d? \[/);
    expect(text).toMatch(/\+30\.\d%/);
    expect(text).toMatch(/1 rows in both: 0 ~ .* 0 \(0%\) either ~ or within ±10%/);
  });
});

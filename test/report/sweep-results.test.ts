import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportError } from '../../src/report/readme-sections.js';
import { readLatestSweep, readSweep, sig4, sweepCsv, writeSweepResults } from '../../src/report/sweep-results.js';
import { measuredVsProjected, storySection, sweepTableSection } from '../../src/report/sweep-section.js';
import { smallResults } from './fixture.js';

const folder = mkdtempSync(join(tmpdir(), 'stallbench-results-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('sweep results files', () => {
  it('write JSON with raw samples and CSV to 4 significant digits, point latest.json at them, and read back', async () => {
    const results = await smallResults();
    const files = writeSweepResults(folder, results);
    const back = readLatestSweep(join(folder, 'latest.json'));
    expect(back.path).toBe(files.json);
    expect(back.results.rows).toHaveLength(12);
    expect(back.results.rows[0]?.report.samples.stall).toHaveLength(8);
    expect(readSweep(folder).path).toBe(files.json);
    expect(readSweep(files.json).results.rows).toHaveLength(12);
    const csv = readFileSync(files.csv, 'utf8').trim().split('\n');
    expect(csv).toHaveLength(13);
    const header = csv[0]?.split(',') ?? [];
    expect(header.slice(0, 3)).toEqual(['runtime', 'codec', 'strategy']);
    for (const column of ['n', 'stallCi95LowMs', 'p99IsMax', 'tp8LowMs', 'tp8HighMs', 'tp8Basis', 'tp8BasisOversubscribed', 'tp4IdleHigh']) expect(header).toContain(column);
    expect(sweepCsv(results)).toBe(readFileSync(files.csv, 'utf8'));
    // No float in the CSV has more than 4 significant digits.
    const numbers = csv.slice(1).flatMap(csvCells).filter((cell) => /^-?\d*\.\d+(e-?\d+)?$/.test(cell));
    expect(numbers.length).toBeGreaterThan(50);
    for (const cell of numbers) expect(cell.replace(/^-?0\.0*|\.|e.*$/g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(4);
  });

  it('carry the basis and its oversubscription flag into every projection, table row and CSV row', async () => {
    const results = await smallResults({ codecs: ['msgpack'], strategies: ['full'], seqLens: [64], transports: ['ipc'] });
    const flagged = { ...results, rows: results.rows.map((r) => ({ ...r, projections: r.projections.map((p) => ({ ...p, band: { ...p.band, basisOversubscribed: true } })) })) };
    for (const row of flagged.rows) for (const p of row.projections) expect(p.band.basis).toMatch(/^tp=2 measured/);
    const table = sweepTableSection(flagged, 'r.json').split('\n').filter((l) => l.startsWith('| msgpack'));
    expect(table.length).toBeGreaterThan(0);
    // Every band cell of every row is marked.
    for (const line of table) expect(line.match(/–[\d.]+\*/g)).toHaveLength(2);
    expect(measuredVsProjected(flagged)).toMatch(/\*.*more ranks than cores/);
    const csv = sweepCsv(flagged).trim().split('\n');
    const header = csv[0]?.split(',') ?? [];
    const column = header.indexOf('tp8BasisOversubscribed');
    for (const line of csv.slice(1)) expect(csvCells(line)[column]).toBe('true');
  });

  it('say what is wrong with a missing, truncated or foreign latest results file', () => {
    const other = mkdtempSync(join(folder, 'bad-'));
    expect(() => readLatestSweep(join(other, 'latest.json'))).toThrow(/missing/);
    writeFileSync(join(other, 'latest.json'), '{"schemaVersion": 3, "json": "run.json"}');
    expect(() => readLatestSweep(join(other, 'latest.json'))).toThrow(/run.json: missing/);
    writeFileSync(join(other, 'run.json'), '{"schemaVersion": 3, "kind": "sweep", "rows": [');
    expect(() => readLatestSweep(join(other, 'latest.json'))).toThrow(/truncated/);
    writeFileSync(join(other, 'run.json'), '{"schemaVersion": 9, "kind": "sweep", "rows": []}');
    expect(() => readLatestSweep(join(other, 'latest.json'))).toThrow(ReportError);
    writeFileSync(join(other, 'run.json'), '{"schemaVersion": 3, "kind": "sweep", "rows": [{"codec": "x", "report": {}}]}');
    expect(() => readLatestSweep(join(other, 'latest.json'))).toThrow(/no raw samples/);
  });

  it('render the README sections with n and the interval of every figure', async () => {
    const results = await smallResults();
    const table = sweepTableSection(results, 'r.json');
    const rows = table.split('\n').filter((l) => l.startsWith('| msgpack'));
    expect(rows).toHaveLength(6);
    // n, then "median [lo, hi]", then the p99 labelled as the max below 100 samples.
    for (const row of rows) expect(row).toMatch(/\| 8 \| [\d.]+ \[[\d.]+, [\d.]+\] \| [\d.]+ \(max\) \|/);
    expect(table).toMatch(/Measured: .* Projected: tp4 and tp8/);
    expect(storySection(results, 'msgpack-boxed')).toContain('seq_len 128');
  });
});

describe('sig4', () => {
  it('keeps 4 significant digits and integers as they are', () => {
    expect(sig4(0.002824000000032356)).toBe('0.002824');
    expect(sig4(123456.789)).toBe('123500');
    expect(sig4(42)).toBe('42');
    expect(sig4(Number.NaN)).toBe('');
  });
});

/** The cells of one CSV line, quoted cells unquoted, so a basis with commas stays one cell. */
function csvCells(line: string): string[] {
  return [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => {
    const cell = m[1] ?? '';
    return cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
  });
}

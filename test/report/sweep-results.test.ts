import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCharts } from '../../src/report/charts.js';
import { ReportError } from '../../src/report/readme-sections.js';
import { readLatestSweep, SWEEP_SCHEMA_VERSION, sweepCsv, writeSweepResults, type SweepResultsFile } from '../../src/report/sweep-results.js';
import { storySection, sweepTableSection } from '../../src/report/sweep-section.js';
import { collectRunContext } from '../../src/harness/context.js';
import { runSweep } from '../../src/sweep/sweep.js';

const folder = mkdtempSync(join(tmpdir(), 'stallbench-results-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function smallResults(): Promise<SweepResultsFile> {
  const options = {
    codecs: ['msgpack-boxed', 'msgpack'] as const,
    strategies: ['full', 'no-slots', 'delta'] as const,
    batch: 4,
    seqLens: [64, 128],
    projectTp: [4, 8],
    stepMs: 20,
    ipc: false,
    sequenceSteps: 3,
    finishRate: 0,
    broadcastSteps: 2,
    timeMs: 5,
    python: null,
  };
  const outcome = await runSweep({ ...options, codecs: [...options.codecs], strategies: [...options.strategies] });
  return {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    kind: 'sweep',
    context: { ...collectRunContext(), wallSeconds: 1, peakRssMiB: 100, peakRssNote: 'test', python: { unavailable: 'test' } },
    options: { ...options, codecs: [...options.codecs], strategies: [...options.strategies] },
    complete: true,
    rows: outcome.rows,
    timelines: outcome.timelines,
  };
}

describe('sweep results files', () => {
  it('write JSON and CSV, point latest.json at them, and read back through the pointer', async () => {
    const results = await smallResults();
    const files = writeSweepResults(folder, results);
    const back = readLatestSweep(join(folder, 'latest.json'));
    expect(back.path).toBe(files.json);
    expect(back.results.rows).toHaveLength(12);
    const csv = readFileSync(files.csv, 'utf8').trim().split('\n');
    expect(csv).toHaveLength(13);
    expect(csv[0]?.split(',').slice(0, 3)).toEqual(['codec', 'strategy', 'form']);
    expect(csv[0]).toContain('tp8IdleFraction');
    expect(csv[1]?.split(',').length).toBe(csv[0]?.split(',').length);
    expect(sweepCsv(results)).toBe(readFileSync(files.csv, 'utf8'));
  });

  it('say what is wrong with a missing, truncated or foreign latest results file', () => {
    const other = mkdtempSync(join(folder, 'bad-'));
    expect(() => readLatestSweep(join(other, 'latest.json'))).toThrow(/missing/);
    writeFileSync(join(other, 'latest.json'), '{"schemaVersion": 2, "json": "run.json"}');
    expect(() => readLatestSweep(join(other, 'latest.json'))).toThrow(/run.json: missing/);
    writeFileSync(join(other, 'run.json'), '{"schemaVersion": 2, "kind": "sweep", "rows": [');
    expect(() => readLatestSweep(join(other, 'latest.json'))).toThrow(/truncated/);
    writeFileSync(join(other, 'run.json'), '{"schemaVersion": 9, "kind": "sweep", "rows": []}');
    expect(() => readLatestSweep(join(other, 'latest.json'))).toThrow(ReportError);
  });

  it('render the three charts and the README sections from a results file', async () => {
    const results = await smallResults();
    const charts = await renderCharts(results);
    expect(charts['stall-vs-seqlen.svg']).toMatch(/^<svg/);
    expect(charts['stall-vs-seqlen.svg']).toContain('GPU step 20 ms');
    expect(charts['stall-vs-seqlen.svg']).toContain('msgpack-boxed');
    expect(charts['stall-split.svg']).toContain('transfer');
    // No processes ran (ipc false), so there is no timeline to draw.
    expect(charts['timeline.svg']).toBe('');
    const table = sweepTableSection(results, 'r.json');
    expect(table.split('\n').filter((l) => l.startsWith('| msgpack'))).toHaveLength(6);
    expect(storySection(results, 'msgpack-boxed')).toContain('seq_len 128');
  });
});

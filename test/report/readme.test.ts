import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReadme } from '../../src/report/readme.js';
import { replaceSection, ReportError } from '../../src/report/readme-sections.js';
import { readResultsFile } from '../../src/report/results-file.js';
import { writeSweepResults } from '../../src/report/sweep-results.js';
import { smallResults } from './fixture.js';

const folder = mkdtempSync(join(tmpdir(), 'stallbench-report-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('replaceSection', () => {
  it('replaces only the text between the named markers', () => {
    const doc = 'a\n<!-- stallbench:x:start -->\nold\n<!-- stallbench:x:end -->\nb';
    expect(replaceSection(doc, 'x', 'new')).toBe('a\n<!-- stallbench:x:start -->\nnew\n<!-- stallbench:x:end -->\nb');
  });

  it('throws ReportError when the markers are missing', () => {
    expect(() => replaceSection('no markers', 'x', 'new')).toThrow(ReportError);
  });
});

describe('readResultsFile', () => {
  it('says whether the file is missing, truncated or of another schema version', () => {
    const path = join(folder, 'r.json');
    expect(() => readResultsFile(path, 1, 'codec')).toThrow(/missing/);
    writeFileSync(path, '{"schemaVersion": 1, "rows": [');
    expect(() => readResultsFile(path, 1, 'codec')).toThrow(/truncated/);
    writeFileSync(path, '{"schemaVersion": 2}');
    expect(() => readResultsFile(path, 1, 'codec')).toThrow(/schema version 2/);
    writeFileSync(path, '{"schemaVersion": 1, "rows": []}');
    expect(readResultsFile<{ schemaVersion: number; rows: unknown[] }>(path, 1, 'codec').rows).toEqual([]);
  });
});

describe('buildReadme', () => {
  it('writes each transports table from its own folder, and names the folder it did not find', async () => {
    const results = join(folder, 'results');
    mkdirSync(join(results, 'transports-spin'), { recursive: true });
    const sweep = await smallResults({ seqLens: [64], strategies: ['delta'] });
    writeSweepResults(results, sweep);
    writeSweepResults(join(results, 'transports-spin'), sweep);
    const built = await buildReadme(join(folder, 'NEW-README.md'), results);
    expect(built.written).toContain('transports-spin');
    expect(built.skipped).toContain(`transports (no ${join(results, 'transports', 'latest.json')})`);
    const section = built.readme.split('<!-- stallbench:transports-spin:start -->')[1]?.split('<!-- stallbench:transports-spin:end -->')[0] ?? '';
    expect(section).toContain(join(results, 'transports-spin'));
    expect(section).toContain('| msgpack | delta | 64 |');
  });
});

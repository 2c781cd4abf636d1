import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replaceSection, ReportError } from '../../src/report/readme-sections.js';
import { readResultsFile } from '../../src/report/results-file.js';

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

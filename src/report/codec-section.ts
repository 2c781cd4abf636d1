import type { CodecBenchRow } from '../bench/codecs.js';
import type { RunContext } from '../harness/context.js';
import { CODEC_TABLE_HEADER, codecTableRows } from './codec-table.js';
import { markdownTable } from './format.js';
import { provenance } from './provenance.js';

/** What `npm run bench:codecs -- --out` writes. */
export interface CodecResultsFile {
  schemaVersion: 1;
  context: RunContext;
  rows: CodecBenchRow[];
}

/** Markdown for the README's codec section: provenance line, then the table. */
export function codecSection(results: CodecResultsFile, source: string): string {
  return `${provenance(results.context, source)}\n\n${markdownTable(CODEC_TABLE_HEADER, codecTableRows(results.rows))}`;
}

import type { CodecBenchRow } from '../bench/codecs.js';
import type { RunContext } from '../harness/context.js';
import { CODEC_TABLE_HEADER, codecTableRows } from './codec-table.js';
import { markdownTable } from './format.js';
import { provenance } from './provenance.js';

/** Version of this results file's schema; readers refuse other versions. */
export const CODEC_SCHEMA_VERSION = 2;

/** What `stallbench codecs --out` writes. */
export interface CodecResultsFile {
  schemaVersion: typeof CODEC_SCHEMA_VERSION;
  context: RunContext;
  rows: CodecBenchRow[];
}

/** Markdown for the README's codec section: provenance line, then the table. */
export function codecSection(results: CodecResultsFile, source: string): string {
  return `${provenance(results.context, source)}\n\n${markdownTable(CODEC_TABLE_HEADER, codecTableRows(results.rows))}`;
}

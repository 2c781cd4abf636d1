import type { CodecBenchRow } from '../bench/codecs.js';
import type { RunContext } from '../harness/context.js';
import { CODEC_TABLE_HEADER, codecTableRows } from './codec-table.js';
import { markdownTable } from './format.js';

/** What `npm run bench:codecs -- --out` writes. */
export interface CodecResultsFile {
  schemaVersion: 1;
  context: RunContext;
  rows: CodecBenchRow[];
}

/** Markdown for the README's codec section: provenance line, then the table. */
export function codecSection(results: CodecResultsFile, source: string): string {
  const c = results.context;
  const provenance = `Measured ${c.date.slice(0, 10)} on ${c.cpuModel} (${c.cores} cores, ${c.memoryGiB} GiB), Node ${c.node}, commit ${c.gitCommit?.slice(0, 10) ?? 'unknown'}${c.gitDirty === true ? ' (dirty)' : ''}; from \`${source}\`.`;
  return `${provenance}\n\n${markdownTable(CODEC_TABLE_HEADER, codecTableRows(results.rows))}`;
}

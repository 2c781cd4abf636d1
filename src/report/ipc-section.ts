import type { StallRow } from '../run/row.js';
import type { RunContext } from '../harness/context.js';
import { markdownTable } from './format.js';
import { provenance } from './provenance.js';
import { IPC_TABLE_HEADER, ipcTableRows } from './ipc-table.js';

/** Version of this results file's schema; readers refuse other versions. */
export const IPC_SCHEMA_VERSION = 3;

/** What `stallbench ipc --out` writes. */
export interface IpcResultsFile {
  schemaVersion: typeof IPC_SCHEMA_VERSION;
  context: RunContext;
  rows: StallRow[];
}

/** Markdown for the README's broadcast section: provenance line, then the table. */
export function ipcSection(results: IpcResultsFile, source: string): string {
  const note = results.rows.some((r) => r.report.oversubscribed) ? '\n\n`*` tp exceeds the cores: ranks share cores and stalls are inflated.' : '';
  return `${provenance(results.context, source)}\n\n${markdownTable(IPC_TABLE_HEADER, ipcTableRows(results.rows))}${note}`;
}

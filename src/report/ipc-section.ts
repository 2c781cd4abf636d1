import type { IpcBenchRow } from '../bench/ipc.js';
import type { RunContext } from '../harness/context.js';
import { markdownTable } from './format.js';
import { provenance } from './provenance.js';
import { IPC_TABLE_HEADER, ipcTableRows } from './ipc-table.js';

/** What `npm run bench:ipc -- --out` writes. */
export interface IpcResultsFile {
  schemaVersion: 1;
  context: RunContext;
  rows: IpcBenchRow[];
}

/** Markdown for the README's broadcast section: provenance line, then the table. */
export function ipcSection(results: IpcResultsFile, source: string): string {
  const note = results.rows.some((r) => r.result.oversubscribed) ? '\n\n`*` tp exceeds the cores: ranks share cores and stalls are inflated.' : '';
  return `${provenance(results.context, source)}\n\n${markdownTable(IPC_TABLE_HEADER, ipcTableRows(results.rows))}${note}`;
}

import type { StallRow } from '../run/row.js';
import { formatBytes, formatMs, formatRatio } from './format.js';
import { waitText, withInterval } from './sweep-section.js';

/** Column headers of the broadcast table. */
export const IPC_TABLE_HEADER = ['codec', 'batch x seqLen', 'tp', 'wait', 'wire', 'n', 'stall ms p50 [95% CI]', 'p99', 'encode', 'transfer', 'decode+convert', 'empty', 'floor ms', 'stall/floor'] as const;

/** One row per codec and size: the step stall with its interval and where it goes. */
export function ipcTableRows(rows: readonly StallRow[]): string[][] {
  return rows.map((row) => [
    row.codec,
    `${row.batch} x ${row.seqLen}`,
    `${row.report.measuredTp}${row.report.oversubscribed ? '*' : ''}`,
    waitText(row),
    formatBytes(row.report.wireBytes),
    String(row.report.stall.n),
    withInterval(row.report.stall),
    formatMs(row.report.stall.p99),
    formatMs(row.report.parts.encode.p50),
    formatMs(row.report.parts.transfer.p50),
    formatMs(row.report.parts.decode.p50 + row.report.parts.convert.p50),
    row.report.floors.emptyStep === null ? '-' : formatMs(row.report.floors.emptyStep.p50),
    formatMs(row.report.floors.memcpy.p50 + (row.report.floors.emptyStep?.p50 ?? 0)),
    row.report.vsFloor === null ? '-' : formatRatio(row.report.vsFloor),
  ]);
}

import type { StallRow } from '../run/row.js';
import { formatBytes, formatMs, formatRatio } from './format.js';
import { withInterval } from './sweep-section.js';

/** Column headers of the broadcast table. */
export const IPC_TABLE_HEADER = ['codec', 'batch x seqLen', 'tp', 'wire', 'n', 'stall ms p50 [95% CI]', 'encode', 'transfer', 'decode+convert', 'empty', 'floor ms', 'stall/floor'] as const;

/** One row per codec and size: the step stall with its interval and where it goes. */
export function ipcTableRows(rows: readonly StallRow[]): string[][] {
  return rows.map(({ report: r, ...row }) => [
    row.codec,
    `${row.batch} x ${row.seqLen}`,
    `${r.measuredTp}${r.oversubscribed ? '*' : ''}`,
    formatBytes(r.wireBytes),
    String(r.stall.n),
    withInterval(r.stall),
    formatMs(r.parts.encode.p50),
    formatMs(r.parts.transfer.p50),
    formatMs(r.parts.decode.p50 + r.parts.convert.p50),
    r.floors.emptyStep === null ? '-' : formatMs(r.floors.emptyStep.p50),
    formatMs(r.floors.memcpy.p50 + (r.floors.emptyStep?.p50 ?? 0)),
    r.vsFloor === null ? '-' : formatRatio(r.vsFloor),
  ]);
}

import type { IpcBenchRow } from '../bench/ipc.js';
import { formatBytes, formatMs, formatRatio } from './format.js';

/** Column headers of the broadcast table. */
export const IPC_TABLE_HEADER = [
  'codec',
  'batch x seqLen',
  'tp',
  'wire',
  'stall p50 ms',
  'stall p99',
  'encode p50',
  'send p50',
  'transfer p50',
  'decode p50',
  'rtt p50',
  'floor ms',
  'stall/floor',
] as const;

/** One row per codec and size: the step stall and where it goes. */
export function ipcTableRows(rows: readonly IpcBenchRow[]): string[][] {
  return rows.map((r) => [
    r.codec,
    `${r.batch} x ${r.seqLen}`,
    `${r.tp}${r.result.oversubscribed ? '*' : ''}`,
    formatBytes(r.result.wireBytes),
    formatMs(r.result.stepStall.p50),
    formatMs(r.result.stepStall.p99),
    formatMs(r.result.encode.p50),
    formatMs(r.result.send.p50),
    formatMs(r.result.transfer.p50),
    formatMs(r.result.decode.p50),
    formatMs(r.result.roundTrip.p50),
    formatMs(r.floorMs),
    formatRatio(r.stallVsFloor),
  ]);
}

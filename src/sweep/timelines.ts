import type { StepRecord } from '../broadcast/records.js';
import type { StallRow } from '../run/row.js';
import type { Timeline } from './types.js';

function timelineOf(record: StepRecord, label: string, row: StallRow, oversubscribed: boolean): Timeline {
  const at = (ns: number): number => (ns - record.startNs) / 1e6;
  return {
    label,
    codec: row.codec,
    strategy: row.strategy,
    seqLen: row.seqLen,
    tp: record.ranks.length + 1,
    oversubscribed,
    events: [
      { rank: 0, phase: 'encode', startMs: 0, endMs: at(record.encodedNs) },
      { rank: 0, phase: 'send', startMs: at(record.encodedNs), endMs: at(record.sentNs) },
      ...record.ranks.flatMap((k) => [
        { rank: k.rank, phase: 'transfer' as const, startMs: at(record.encodedNs), endMs: at(k.receivedNs) },
        { rank: k.rank, phase: 'decode' as const, startMs: at(k.receivedNs), endMs: at(k.decodedNs) },
        { rank: k.rank, phase: 'convert' as const, startMs: at(k.decodedNs), endMs: at(k.convertedNs) },
        { rank: k.rank, phase: 'derive' as const, startMs: at(k.convertedNs), endMs: at(k.readyNs) },
      ]),
    ],
  };
}

/** One step on every rank for the worst and best configuration at the largest size: their median steps at tp=2. */
export function timelinesOf(rows: readonly StallRow[]): Timeline[] {
  const largest = Math.max(...rows.map((r) => r.seqLen));
  const atLargest = rows.filter((r) => r.seqLen === largest).sort((a, b) => a.report.stall.p50 - b.report.stall.p50);
  const picks: [string, StallRow | undefined][] = [
    ['worst', atLargest[atLargest.length - 1]],
    ['best', atLargest[0]],
  ];
  const out: Timeline[] = [];
  for (const [label, row] of picks) {
    if (row?.report.typicalStep != null) out.push(timelineOf(row.report.typicalStep, label, row, row.report.oversubscribed));
  }
  return out;
}

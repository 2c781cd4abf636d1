import type { CodecBenchRow } from '../bench/codecs.js';
import { formatBytes, formatMs, formatRatio } from './format.js';
import { withInterval } from './sweep-section.js';

/** Column headers of the codec table. */
export const CODEC_TABLE_HEADER = [
  'codec',
  'batch x seqLen',
  'regime',
  'wire',
  'n',
  'encode ms p50 [95% CI]',
  'floor ms',
  'enc/floor',
  'faults/enc',
  'decode ms p50 [95% CI]',
  'dec/memcpy',
  'enc alloc',
  'dec alloc',
] as const;

/** One table row per codec, size and regime; allocation shown as bytes and as a multiple of the wire size. */
export function codecTableRows(rows: readonly CodecBenchRow[]): string[][] {
  return rows.map((r) => [
    r.codec,
    `${r.batch} x ${r.seqLen}`,
    r.allocation === 'library' ? 'fresh (library)' : r.regime,
    formatBytes(r.wireBytes),
    String(r.encode.n),
    withInterval(r.encode),
    formatMs(r.encodeFloor.p50),
    formatRatio(r.encodeVsFloor),
    r.encodePageFaults.toFixed(0),
    withInterval(r.decode),
    formatRatio(r.decodeVsMemcpy),
    r.encodeAllocBytes === null ? 'untracked' : `${formatBytes(r.encodeAllocBytes)} (${(r.encodeAllocBytes / Math.max(1, r.wireBytes)).toFixed(2)}x)`,
    formatBytes(r.decodeAllocBytes),
  ]);
}

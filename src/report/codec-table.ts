import type { CodecBenchRow } from '../bench/codecs.js';
import { formatBytes, formatMs, formatRatio } from './format.js';

/** Column headers of the codec table. */
export const CODEC_TABLE_HEADER = [
  'codec',
  'batch x seqLen',
  'wire',
  'enc p50 ms',
  'enc p99',
  'enc ±%',
  'dec p50 ms',
  'dec p99',
  'dec ±%',
  'enc MB/s',
  'dec MB/s',
  'enc alloc',
  'dec alloc',
  'memcpy ms',
  'enc/memcpy',
  'dec/memcpy',
] as const;

const mbps = (bytes: number, ms: number): string => (ms > 0 ? ((bytes / 1e6) / (ms / 1e3)).toFixed(0) : '-');

/** One table row per codec bench result; allocation shown as bytes and as a multiple of the wire size. */
export function codecTableRows(rows: readonly CodecBenchRow[]): string[][] {
  return rows.map((r) => [
    r.codec,
    `${r.batch} x ${r.seqLen}`,
    formatBytes(r.wireBytes),
    formatMs(r.encode.p50),
    formatMs(r.encode.p99),
    r.encode.rme.toFixed(1),
    formatMs(r.decode.p50),
    formatMs(r.decode.p99),
    r.decode.rme.toFixed(1),
    mbps(r.payloadBytes, r.encode.p50),
    mbps(r.payloadBytes, r.decode.p50),
    r.encodeAllocBytes === null ? 'untracked' : `${formatBytes(r.encodeAllocBytes)} (${(r.encodeAllocBytes / Math.max(1, r.wireBytes)).toFixed(2)}x)`,
    formatBytes(r.decodeAllocBytes),
    formatMs(r.memcpy.p50),
    formatRatio(r.encodeVsMemcpy),
    formatRatio(r.decodeVsMemcpy),
  ]);
}

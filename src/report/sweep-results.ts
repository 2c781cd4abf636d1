import { dirname, join } from 'node:path';
import type { RunContext } from '../harness/context.js';
import type { SweepOptions, SweepRow, Timeline } from '../sweep/sweep.js';
import { ReportError } from './readme-sections.js';
import { readResultsFile } from './results-file.js';
import { writeFileAtomic } from './write-atomic.js';

/** Version of the sweep results schema; readers refuse other versions. */
export const SWEEP_SCHEMA_VERSION = 2;

/** What `npm run bench` writes: provenance, options and one row per codec × strategy × size. */
export interface SweepResultsFile {
  schemaVersion: typeof SWEEP_SCHEMA_VERSION;
  kind: 'sweep';
  context: RunContext & {
    wallSeconds: number;
    peakRssMiB: number;
    peakRssNote: string;
    /** The interpreter behind the pickle reference rows, or why there are none. */
    python: { version: string; executable: string } | { unavailable: string };
  };
  options: Omit<SweepOptions, 'signal' | 'onProgress'>;
  /** False when the run was interrupted: rows hold what was measured until then. */
  complete: boolean;
  rows: SweepRow[];
  timelines: Timeline[];
}

/** The pointer `latest.json` holds: the newest run's files, relative to the results folder. */
export interface LatestPointer {
  schemaVersion: typeof SWEEP_SCHEMA_VERSION;
  json: string;
  csv: string;
}

const CSV_COLUMNS = [
  'codec',
  'strategy',
  'form',
  'batch',
  'seqLen',
  'slots',
  'wireBytes',
  'stallP50Ms',
  'stallP99Ms',
  'encodeP50Ms',
  'transferP50Ms',
  'perPeerMs',
  'decodeP50Ms',
  'deriveP50Ms',
  'memcpyP50Ms',
  'vsMemcpy',
  'roundTripMs',
] as const;

function csvRow(row: SweepRow): (string | number)[] {
  const r = row.report;
  return [
    row.codec,
    row.strategy,
    r.form,
    row.batch,
    row.seqLen,
    r.slots,
    r.wireBytes,
    r.stall.p50,
    r.stall.p99,
    r.parts.encodeMs,
    r.parts.transferMs,
    r.parts.perPeerMs,
    r.parts.decodeMs,
    r.parts.deriveMs,
    r.memcpy.p50,
    r.vsMemcpy,
    r.transportMeasurement?.roundTripMs ?? '',
    ...row.projections.flatMap((p) => [p.stallMs, p.idleFraction, p.tokensPerSecondLost]),
  ];
}

/** The rows as CSV: the main figures of each row, then stall, idle share and tokens lost per projected TP. */
export function sweepCsv(results: SweepResultsFile): string {
  const tps = results.rows[0]?.projections.map((p) => p.tp) ?? [];
  const header = [...CSV_COLUMNS, ...tps.flatMap((tp) => [`tp${tp}StallMs`, `tp${tp}IdleFraction`, `tp${tp}TokensPerSecondLost`])];
  const escape = (v: string | number): string => (typeof v === 'string' && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : String(v));
  return `${[header, ...results.rows.map(csvRow)].map((cells) => cells.map(escape).join(',')).join('\n')}\n`;
}

/** Writes <dir>/<timestamp>.json and .csv, each atomically, then points <dir>/latest.json at them. */
export function writeSweepResults(dir: string, results: SweepResultsFile): { json: string; csv: string } {
  const stamp = results.context.date.replace(/[:.]/g, '-');
  const json = `sweep-${stamp}.json`;
  const csv = `sweep-${stamp}.csv`;
  writeFileAtomic(join(dir, json), `${JSON.stringify(results, null, 1)}\n`);
  writeFileAtomic(join(dir, csv), sweepCsv(results));
  const pointer: LatestPointer = { schemaVersion: SWEEP_SCHEMA_VERSION, json, csv };
  writeFileAtomic(join(dir, 'latest.json'), `${JSON.stringify(pointer, null, 2)}\n`);
  return { json: join(dir, json), csv: join(dir, csv) };
}

/** Follows <dir>/latest.json to the newest sweep results; throws ReportError saying what is missing or wrong. */
export function readLatestSweep(latestPath: string): { results: SweepResultsFile; path: string } {
  const pointer = readResultsFile<LatestPointer>(latestPath, SWEEP_SCHEMA_VERSION, 'sweep');
  if (typeof pointer.json !== 'string') throw new ReportError(`${latestPath}: names no results file`);
  const path = join(dirname(latestPath), pointer.json);
  const results = readResultsFile<SweepResultsFile>(path, SWEEP_SCHEMA_VERSION, 'sweep');
  if (results.kind !== 'sweep' || !Array.isArray(results.rows) || results.rows.length === 0) throw new ReportError(`${path}: holds no sweep rows`);
  return { results, path };
}


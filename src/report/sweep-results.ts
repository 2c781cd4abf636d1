import { dirname, join } from 'node:path';
import type { SamplingPlan } from '../broadcast/sampling.js';
import type { RunContext } from '../harness/context.js';
import { writeFileAtomic } from '../harness/write-atomic.js';
import type { SystemCheck } from '../harness/system-check.js';
import type { PythonInfo } from '../python/probe.js';
import type { StallRow } from '../run/row.js';
import type { SweepOptions, Timeline } from '../sweep/types.js';
import type { ReferenceRow } from '../reference/reference-row.js';
import { ReportError } from './readme-sections.js';
import { readResultsFile } from './results-file.js';

/** Version of the sweep results schema; readers refuse other versions. */
export const SWEEP_SCHEMA_VERSION = 4;

/**
 * Versions a reader takes: version 3 rows lack the report's `send` and `rankStall` and carry `context` per report, which
 * no table or comparison of sweeps reads, so two runs either side of the change still compare.
 */
const READABLE_VERSIONS = [3, SWEEP_SCHEMA_VERSION] as const;

/** The options a sweep ran with, as they are stored (no callbacks, no signal). */
export type StoredSweepOptions = Omit<SweepOptions, 'signal' | 'onProgress' | 'onPythonUnavailable' | 'sampling' | 'messages'> & {
  sampling: SamplingPlan;
  /** The captured sequence's file, when the sweep measured one. */
  messages?: string;
};

/** What `npm run bench` writes: provenance, options, one row per codec × strategy × size with its raw samples. */
export interface SweepResultsFile {
  schemaVersion: typeof SWEEP_SCHEMA_VERSION | 3;
  kind: 'sweep';
  context: RunContext & {
    wallSeconds: number;
    peakRssMiB: number;
    peakRssNote: string;
    /** The interpreter behind the pickle reference rows, or why there are none. */
    python: { version: string; executable: string } | { unavailable: string };
    /** The interpreter behind the Python rows, with numpy's, pyzmq's, libzmq's and msgpack's versions; absent when none ran. */
    pythonRanks?: PythonInfo;
    /** How the machine was set and how busy it was when the sweep started, with the warnings printed then. */
    system?: SystemCheck;
  };
  options: StoredSweepOptions;
  /** False when the run was interrupted: rows hold what was measured until then. */
  complete: boolean;
  /** Why the run stopped early when a rank process failed; absent otherwise. */
  stoppedBy?: string;
  rows: StallRow[];
  /** pickle inside Python: its own table. */
  reference: ReferenceRow[];
  timelines: Timeline[];
}

/** The pointer `latest.json` holds: the newest run's files, relative to the results folder. */
export interface LatestPointer {
  schemaVersion: typeof SWEEP_SCHEMA_VERSION | 3;
  json: string;
  csv: string;
}

/** A number to 4 significant digits, as the CSV shows it. */
export function sig4(value: number): string {
  if (!Number.isFinite(value)) return '';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** The CSV's columns, each with how to read it from a row. */
const COLUMNS: [string, (row: StallRow) => string | number | boolean][] = [
  ['runtime', (r) => r.runtime],
  ['codec', (r) => r.codec],
  ['strategy', (r) => r.strategy],
  ['transport', (r) => r.transport],
  ['wait', (r) => r.wait ?? ''],
  ['regime', (r) => r.report.regime],
  ['batch', (r) => r.batch],
  ['seqLen', (r) => r.seqLen],
  ['slots', (r) => r.report.slots],
  ['wireBytes', (r) => r.report.wireBytes],
  ['payloadBytes', (r) => r.report.payloadBytes],
  ['measuredTp', (r) => r.report.measuredTp],
  ['oversubscribed', (r) => r.report.oversubscribed],
  ['n', (r) => r.report.stall.n],
  ['stallP50Ms', (r) => r.report.stall.p50],
  ['stallCi95LowMs', (r) => r.report.stall.ci95[0]],
  ['stallCi95HighMs', (r) => r.report.stall.ci95[1]],
  ['stallP99Ms', (r) => r.report.stall.p99],
  ['p99IsMax', (r) => r.report.stall.p99IsMax],
  ['idleMs', (r) => r.report.idleMs ?? 0],
  ['schedulerCpuUsPerStep', (r) => r.cpu?.find((c) => c.rank === 0)?.usPerStep ?? Number.NaN],
  ['rankCpuUsPerStep', (r) => r.cpu?.find((c) => c.rank === 1)?.usPerStep ?? Number.NaN],
  ['rankCores', (r) => r.cpu?.find((c) => c.rank === 1)?.cores ?? Number.NaN],
  ['clockOffsetUs', (r) => r.clock?.find((c) => c.rank === 1)?.offsetUs ?? Number.NaN],
  ['clockUncertaintyUs', (r) => (r.clock === undefined ? Number.NaN : Math.max(...r.clock.map((c) => c.uncertaintyUs)))],
  ['linkLowMs', (r) => r.link?.[r.link.length - 1]?.lowMs ?? Number.NaN],
  ['linkHighMs', (r) => r.link?.[r.link.length - 1]?.highMs ?? Number.NaN],
  ['slowSteps', (r) => r.report.tails?.slow ?? Number.NaN],
  ['slowPreemptedShare', (r) => r.report.tails?.slowWith.preemption ?? Number.NaN],
  ['slowGcShare', (r) => r.report.tails?.slowWith.gc ?? Number.NaN],
  ['slowFaultsShare', (r) => r.report.tails?.slowWith.faults ?? Number.NaN],
  ['stepsPreemptedShare', (r) => r.report.tails?.allWith.preemption ?? Number.NaN],
  ['stallP99WithoutExplainedMs', (r) => r.report.tails?.p99Without ?? Number.NaN],
  ['encodeP50Ms', (r) => r.report.parts.encode.p50],
  ['transferP50Ms', (r) => r.report.parts.transfer.p50],
  ['decodeP50Ms', (r) => r.report.parts.decode.p50],
  ['convertP50Ms', (r) => r.report.parts.convert.p50],
  ['deriveP50Ms', (r) => r.report.parts.derive.p50],
  ['memcpyP50Ms', (r) => r.report.floors.memcpy.p50],
  ['freshCopyP50Ms', (r) => r.report.floors.freshCopy.p50],
  ['ringMemcpyP50Ms', (r) => r.report.floors.ringMemcpy?.p50 ?? Number.NaN],
  ['roundTripP50Ms', (r) => r.report.floors.roundTrip?.p50 ?? Number.NaN],
  ['vsFloor', (r) => r.report.vsFloor ?? Number.NaN],
  ['schedulerPageFaultsPerStep', (r) => r.report.pageFaultsPerStep.scheduler],
  ['rankPageFaultsPerStep', (r) => r.report.pageFaultsPerStep.rank],
  ['warmupSteps', (r) => r.report.warmup.steps],
  ['restarts', (r) => r.report.restarts],
  ['launches', (r) => r.launches.length],
  ['launchSpread', (r) => r.launchSpread],
];

function projectionColumns(tp: number): [string, (row: StallRow) => string | number | boolean][] {
  const at = (r: StallRow) => r.projections.find((p) => p.tp === tp);
  return [
    [`tp${tp}LowMs`, (r) => at(r)?.band.lowMs ?? Number.NaN],
    [`tp${tp}HighMs`, (r) => at(r)?.band.highMs ?? Number.NaN],
    [`tp${tp}BasisOversubscribed`, (r) => at(r)?.band.basisOversubscribed ?? ''],
    [`tp${tp}Basis`, (r) => at(r)?.band.basis ?? ''],
    [`tp${tp}StepMs`, (r) => at(r)?.stepTime?.stepMs ?? Number.NaN],
    [`tp${tp}IdleLow`, (r) => at(r)?.low?.idleFraction ?? Number.NaN],
    [`tp${tp}IdleHigh`, (r) => at(r)?.high?.idleFraction ?? Number.NaN],
    [`tp${tp}TokensPerSecondLostLow`, (r) => at(r)?.low?.tokensPerSecondLost ?? Number.NaN],
    [`tp${tp}TokensPerSecondLostHigh`, (r) => at(r)?.high?.tokensPerSecondLost ?? Number.NaN],
    [`tp${tp}DirectP50Ms`, (r) => at(r)?.direct?.stall.p50 ?? Number.NaN],
    [`tp${tp}DirectInBand`, (r) => at(r)?.direct?.inBand ?? ''],
  ];
}

/** The rows as CSV, numbers to 4 significant digits: the main figures, then the band and GPU share per projected TP. */
export function sweepCsv(results: Pick<SweepResultsFile, 'rows' | 'options'>): string {
  const columns = [...COLUMNS, ...results.options.projectTp.flatMap(projectionColumns)];
  const cell = (v: string | number | boolean): string => {
    if (typeof v === 'number') return sig4(v);
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.map(([name]) => name), ...results.rows.map((row) => columns.map(([, read]) => cell(read(row))))];
  return `${lines.map((cells) => cells.join(',')).join('\n')}\n`;
}

// Six significant digits keep the raw samples exact to well under their noise and the file a few MB.
const compact = (_key: string, value: unknown): unknown => (typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value);

/** Writes <dir>/sweep-<time>.json and .csv, each atomically, then points <dir>/latest.json at them. */
export function writeSweepResults(dir: string, results: SweepResultsFile): { json: string; csv: string } {
  const stamp = results.context.date.replace(/[:.]/g, '-');
  const json = `sweep-${stamp}.json`;
  const csv = `sweep-${stamp}.csv`;
  writeFileAtomic(join(dir, json), `${JSON.stringify(results, compact)}\n`);
  writeFileAtomic(join(dir, csv), sweepCsv(results));
  const pointer: LatestPointer = { schemaVersion: SWEEP_SCHEMA_VERSION, json, csv };
  writeFileAtomic(join(dir, 'latest.json'), `${JSON.stringify(pointer, null, 2)}\n`);
  return { json: join(dir, json), csv: join(dir, csv) };
}

/** Checks that a parsed file is a usable sweep; throws ReportError naming what is wrong. */
export function checkSweep(results: SweepResultsFile, path: string): SweepResultsFile {
  if (results.kind !== 'sweep' || !Array.isArray(results.rows) || results.rows.length === 0) throw new ReportError(`${path}: holds no sweep rows`);
  for (const row of results.rows) {
    if (!Array.isArray(row.report?.samples?.stall)) throw new ReportError(`${path}: row ${row.codec} ${row.strategy} ${row.seqLen} has no raw samples`);
  }
  return results;
}

/** Follows <dir>/latest.json to the newest sweep results; throws ReportError saying what is missing or wrong. */
export function readLatestSweep(latestPath: string): { results: SweepResultsFile; path: string } {
  const pointer = readResultsFile<LatestPointer>(latestPath, READABLE_VERSIONS, 'sweep');
  if (typeof pointer.json !== 'string') throw new ReportError(`${latestPath}: names no results file`);
  const path = join(dirname(latestPath), pointer.json);
  return { results: checkSweep(readResultsFile<SweepResultsFile>(path, READABLE_VERSIONS, 'sweep'), path), path };
}

/** Reads a sweep given as a results file, a latest.json pointer, or a results folder. */
export function readSweep(path: string): { results: SweepResultsFile; path: string } {
  const parsed = readResultsFile<SweepResultsFile | LatestPointer>(path.endsWith('.json') ? path : join(path, 'latest.json'), READABLE_VERSIONS, 'sweep');
  if (!('kind' in parsed)) return readLatestSweep(path.endsWith('.json') ? path : join(path, 'latest.json'));
  return { results: checkSweep(parsed, path), path };
}

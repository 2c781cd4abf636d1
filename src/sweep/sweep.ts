import { availableParallelism } from 'node:os';
import { openRankSession, type AllocationRegime, type RankSession, type StepRecord } from '../broadcast/session.js';
import { join } from 'node:path';
import { SAMPLING_PRESETS, stepsNeeded, type SamplingPlan, type SamplingPresetName } from '../broadcast/sampling.js';
import { bandInputsOf, directCheck, measureStall, type StallReport } from '../model/measure-stall.js';
import { stepTimeFor, type StepTime } from '../model/presets.js';
import { projectBand, projectOntoGpu, type GpuProjection, type StallBand } from '../model/projection.js';
import { generatedSource, type StepSource } from '../payload/stream.js';
import { streamSteps } from '../payload/sequence.js';
import { PythonReferenceError, runPickleReference } from '../reference/pickle.js';
import { pickleRow, type ReferenceRow } from '../reference/reference-row.js';
import { summarizeSamples } from '../stats/summary.js';
import { createSchedulerSide } from '../strategies/strategies.js';
import type { StrategyName } from '../strategies/types.js';

/** Options of runSweep. */
export interface SweepOptions {
  codecs: readonly string[];
  strategies: readonly StrategyName[];
  batch: number;
  seqLens: readonly number[];
  /** Tokens per KV block. @default 16 */
  blockSize?: number;
  /** TP sizes to project onto (tp=2 is measured). */
  projectTp: readonly number[];
  /** GPU step time for every TP; without it each TP takes its preset, and a TP without one gets no idle share. */
  stepMs?: number;
  /** The engine overlaps scheduling with the GPU step. @default false */
  overlap?: boolean;
  /** 'ipc': real rank processes; 'none': encode, decode and derive one after the other in this process. */
  transport: 'ipc' | 'none';
  /** Chance per step that a request finishes and a prefilling one arrives; 0 is steady decode. */
  finishRate: number;
  /** How many steps each configuration measures. */
  sampling: SamplingPresetName | SamplingPlan;
  /** @default 'reused' */
  regime?: AllocationRegime;
  /** Independent launches (fresh rank processes each); rows pool their samples and report the spread of the medians. @default 1 */
  repeat?: number;
  /** Python interpreter for the pickle reference rows; null leaves them out. */
  python: string | null;
  /** Called once when the Python reference cannot run; the sweep carries on without it. */
  onPythonUnavailable?: (reason: string) => void;
  /** Folder for one Chrome trace per configuration (every measured step on every rank). */
  traceDir?: string;
  signal?: AbortSignal;
  /** Called before each configuration; `done` counts configurations finished, over all launches. */
  onProgress?: (progress: { done: number; total: number; label: string }) => void;
}

/** The stall at one TP size: measured directly where the machine has the cores, else a band from the tp=2 run. */
export interface SweepProjection {
  tp: number;
  band: StallBand;
  /** The requested TP run directly (a machine with ≥ tp + 1 cores): the check on the band. */
  direct: StallReport['direct'];
  stepTime: StepTime | null;
  low: GpuProjection | null;
  high: GpuProjection | null;
}

/** One launch's median, for the spread between launches. */
export interface LaunchSummary {
  p50: number;
  ci95: [number, number];
  n: number;
}

/** One codec × strategy × size of the sweep. */
export interface SweepRow {
  runtime: 'node';
  codec: string;
  strategy: StrategyName;
  transport: 'ipc' | 'none';
  batch: number;
  seqLen: number;
  report: Omit<StallReport, 'context' | 'band' | 'direct' | 'projection'>;
  projections: SweepProjection[];
  /** Each launch's stall median; one entry unless the sweep ran with repeat > 1. */
  launches: LaunchSummary[];
  /** (max − min) / median of the launches' medians; 0 for one launch. */
  launchSpread: number;
}

/** A per-rank timeline of one step, in ms from the step's start: the picture of the bubble. */
export interface Timeline {
  label: string;
  codec: string;
  strategy: StrategyName;
  seqLen: number;
  tp: number;
  oversubscribed: boolean;
  events: { rank: number; phase: 'encode' | 'send' | 'transfer' | 'decode' | 'convert' | 'derive'; startMs: number; endMs: number }[];
}

/** What a sweep returns; `complete` is false when it was interrupted. */
export interface SweepOutcome {
  rows: SweepRow[];
  /** pickle inside Python: its own table, not comparable with the broadcast rows. */
  reference: ReferenceRow[];
  timelines: Timeline[];
  /** Chrome trace files written, one per configuration and launch. */
  traces: string[];
  complete: boolean;
  /** The interpreter that ran the pickle reference, or why none did. */
  python: { version: string; executable: string } | { unavailable: string };
}

function timelineOf(record: StepRecord, label: string, row: SweepRow, oversubscribed: boolean): Timeline {
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

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'BroadcastAbortedError';
}

/** The decode steps of one size, centred on seqLen: requests start samples/2 tokens short, so the measured steps straddle it. */
export function sweepSource(options: Pick<SweepOptions, 'batch' | 'finishRate' | 'blockSize'>, seqLen: number, plan: SamplingPlan): StepSource {
  return generatedSource({
    batch: options.batch,
    seqLen: Math.max(1, seqLen - Math.floor(plan.samples / 2)),
    steps: stepsNeeded(plan),
    seed: 1,
    finishRate: options.finishRate,
    blockSize: options.blockSize ?? 16,
  });
}

const key = (codec: string, strategy: string, seqLen: number): string => `${codec}\u0000${strategy}\u0000${seqLen}`;

/** Runs every codec × strategy × seqLen on live ranks (kept across configurations), `repeat` launches over. */
export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const plan = typeof options.sampling === 'string' ? SAMPLING_PRESETS[options.sampling] : options.sampling;
  const repeat = options.repeat ?? 1;
  const perLaunch = options.seqLens.length * options.codecs.length * options.strategies.length;
  const total = perLaunch * repeat;
  const reports = new Map<string, StallReport[]>();
  const directs = new Map<string, NonNullable<StallReport['direct']>[]>();
  const traces: string[] = [];
  const order: { codec: string; strategy: StrategyName; seqLen: number }[] = [];
  const reference: ReferenceRow[] = [];
  let python: SweepOutcome['python'] = options.python === null ? { unavailable: 'not requested' } : { unavailable: 'not run' };
  let pythonPath = options.python;
  let done = 0;
  let complete = false;
  const signal = options.signal !== undefined ? { signal: options.signal } : {};
  try {
    for (let launch = 0; launch < repeat; launch++) {
      const sessions = options.transport === 'ipc' ? await openSessions(options, signal) : null;
      try {
        for (const seqLen of options.seqLens) {
          const source = sweepSource(options, seqLen, plan);
          for (const codec of options.codecs) {
            for (const strategy of options.strategies) {
              if (options.signal?.aborted === true) return finish();
              options.onProgress?.({ done, total, label: `${codec} ${strategy} ${options.batch}x${seqLen}${repeat > 1 ? ` (launch ${launch + 1}/${repeat})` : ''}` });
              const name = `${codec}-${strategy}-${options.batch}x${seqLen}${repeat > 1 ? `-launch${launch + 1}` : ''}`;
              const trace = options.traceDir === undefined ? undefined : join(options.traceDir, `${name}.trace.json`);
              const report = await measureStall(source, codec, {
                strategy,
                tp: 2,
                transport: options.transport,
                regime: options.regime ?? 'reused',
                sampling: plan,
                ...(sessions !== null ? { session: sessions.two } : {}),
                ...(trace !== undefined ? { trace } : {}),
                ...signal,
              });
              if (trace !== undefined) traces.push(trace);
              const k = key(codec, strategy, seqLen);
              if (!reports.has(k)) {
                reports.set(k, []);
                order.push({ codec, strategy, seqLen });
              }
              reports.get(k)?.push(report);
              if (sessions !== null) directs.set(k, [...(directs.get(k) ?? []), ...(await directChecks(report, sessions.direct, source, options, plan))]);
              done++;
            }
          }
          if (launch === 0 && pythonPath !== null) {
            try {
              const result = await pickleRows(pythonPath, options, seqLen);
              reference.push(...result.rows);
              python = { version: result.version, executable: result.executable };
            } catch (error) {
              if (!(error instanceof PythonReferenceError)) throw error;
              python = { unavailable: error.message };
              options.onPythonUnavailable?.(error.message);
              pythonPath = null;
            }
          }
        }
      } finally {
        await sessions?.close();
      }
    }
    complete = true;
    return finish();
  } catch (error) {
    if (isAbort(error)) return finish();
    throw error;
  }

  function finish(): SweepOutcome {
    const rows = order.map(({ codec, strategy, seqLen }) => {
      const k = key(codec, strategy, seqLen);
      return rowOf(codec, strategy, seqLen, reports.get(k) ?? [], directs.get(k) ?? [], options);
    });
    return { rows, reference, timelines: complete && options.transport === 'ipc' ? timelinesOf(rows, reports) : [], traces, complete, python };
  }
}

interface Sessions {
  two: RankSession;
  /** Sessions at the projected TPs this machine can hold honestly (≥ tp + 1 cores). */
  direct: Map<number, RankSession>;
  close(): Promise<void>;
}

async function openSessions(options: SweepOptions, signal: { signal?: AbortSignal }): Promise<Sessions> {
  const opened: RankSession[] = [];
  const close = async (): Promise<void> => {
    for (const s of opened) await s.close();
  };
  try {
    const two = await openRankSession({ tp: 2, ...signal });
    opened.push(two);
    const direct = new Map<number, RankSession>();
    for (const tp of options.projectTp) {
      if (tp > 2 && availableParallelism() >= tp + 1 && !direct.has(tp)) {
        const session = await openRankSession({ tp, ...signal });
        opened.push(session);
        direct.set(tp, session);
      }
    }
    return { two, direct, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Measures the same configuration on each direct session: the measured stall at that TP beside its band. */
async function directChecks(
  report: StallReport,
  direct: Map<number, RankSession>,
  source: StepSource,
  options: SweepOptions,
  plan: SamplingPlan,
): Promise<NonNullable<StallReport['direct']>[]> {
  const checks: NonNullable<StallReport['direct']>[] = [];
  for (const [tp, session] of direct) {
    const run = { codec: report.codec, strategy: report.strategy, source, regime: options.regime ?? 'reused', plan, verifyEvery: 10 };
    checks.push(await directCheck(session, run, projectBand(bandInputsOf(report), tp)));
  }
  return checks;
}

/** Pools the launches' samples into one row, with each launch's median kept for the spread. */
function rowOf(
  codec: string,
  strategy: StrategyName,
  seqLen: number,
  launches: StallReport[],
  checks: NonNullable<StallReport['direct']>[],
  options: SweepOptions,
): SweepRow {
  const first = launches[0];
  if (first === undefined) throw new Error(`no measurement for ${codec} ${strategy} ${seqLen}`);
  const { context: _context, band: _band, direct: _direct, projection: _projection, ...base } = launches.length === 1 ? first : poolReports(launches);
  void _context;
  void _band;
  void _direct;
  void _projection;
  const medians = launches.map((r) => r.stall.p50);
  const mid = summarizeSamples(medians).p50;
  return {
    runtime: 'node',
    codec,
    strategy,
    transport: options.transport,
    batch: options.batch,
    seqLen,
    report: base,
    projections: options.projectTp.map((tp) => {
      const band = projectBand(bandInputsOf(base), tp);
      const stepTime = stepTimeFor(tp, options.stepMs);
      const gpu = (stallMs: number): GpuProjection | null =>
        stepTime === null ? null : projectOntoGpu(stallMs, { stepMs: stepTime.stepMs, overlap: options.overlap ?? false, batch: options.batch, tp });
      return { tp, band, direct: checks.find((c) => c.tp === tp) ?? null, stepTime, low: gpu(band.lowMs), high: gpu(band.highMs) };
    }),
    launches: launches.map((r) => ({ p50: r.stall.p50, ci95: r.stall.ci95, n: r.stall.n })),
    launchSpread: launches.length < 2 ? 0 : (Math.max(...medians) - Math.min(...medians)) / mid,
  };
}

/** One report from several launches of the same configuration: samples concatenated, summaries recomputed. */
function poolReports(launches: readonly StallReport[]): StallReport {
  const first = launches[0] as StallReport;
  const samples = Object.fromEntries(
    (Object.keys(first.samples) as (keyof StallReport['samples'])[]).map((name) => [name, launches.flatMap((r) => r.samples[name])]),
  ) as StallReport['samples'];
  const parts = Object.fromEntries(Object.keys(first.parts).map((name) => [name, summarizeSamples(samples[name as keyof typeof samples])])) as StallReport['parts'];
  return { ...first, samples, parts, stall: summarizeSamples(samples.stall), restarts: launches.reduce((n, r) => n + r.restarts, 0) };
}

/** Both pickle forms for every strategy's wire payload at one size (the centre step), timed inside Python. */
async function pickleRows(python: string, options: SweepOptions, seqLen: number): Promise<{ rows: ReferenceRow[]; version: string; executable: string }> {
  const steps = Array.from(streamSteps({ batch: options.batch, seqLen, steps: 2, seed: 1, finishRate: options.finishRate, blockSize: options.blockSize ?? 16 }, 'full'));
  const full = steps[1];
  if (full === undefined) return { rows: [], version: 'unknown', executable: python };
  const rows: ReferenceRow[] = [];
  let version = 'unknown';
  let executable = python;
  for (const strategy of options.strategies) {
    // The second step: a delta after one step of decode, as in steady state.
    const side = createSchedulerSide(strategy);
    side.wire(steps[0] ?? full, true);
    const wire = side.wire(full, false);
    const result = await runPickleReference(wire, { python, timeMs: 150, minSamples: 10, maxSamples: 100 });
    version = result.python;
    executable = result.executable;
    for (const form of ['boxed', 'array'] as const) rows.push(pickleRow(form, result.forms[form], wire, full, strategy, seqLen));
  }
  return { rows, version, executable };
}

/** One step on every rank for the worst and best configuration at the largest size: their median steps at tp=2. */
function timelinesOf(rows: readonly SweepRow[], reports: Map<string, StallReport[]>): Timeline[] {
  const largest = Math.max(...rows.map((r) => r.seqLen));
  const atLargest = rows.filter((r) => r.seqLen === largest).sort((a, b) => a.report.stall.p50 - b.report.stall.p50);
  const picks: [string, SweepRow | undefined][] = [
    ['worst', atLargest[atLargest.length - 1]],
    ['best', atLargest[0]],
  ];
  const out: Timeline[] = [];
  for (const [label, row] of picks) {
    const step = row === undefined ? null : (reports.get(key(row.codec, row.strategy, row.seqLen))?.[0]?.typicalStep ?? null);
    if (row !== undefined && step !== null) out.push(timelineOf(step, label, row, row.report.oversubscribed));
  }
  return out;
}

import { join } from 'node:path';
import type { CodecName } from '../codecs/registry.js';
import { runBroadcast, type StepRecord } from '../ipc/broadcast.js';
import { measureStall, type StallReport } from '../model/measure-stall.js';
import { projectOntoGpu, projectStall } from '../model/projection.js';
import { generateStepSequence } from '../payload/sequence.js';
import type { CtxMeta } from '../payload/types.js';
import type { StrategyName } from '../strategies/types.js';
import { createMemcpy } from '../harness/memcpy.js';
import { measureLatencies, type LatencyStats } from '../harness/measure.js';
import { payloadByteLength } from '../payload/size.js';
import { PythonReferenceError, runPickleReference } from '../reference/pickle.js';
import { pickleReport } from '../reference/reference-row.js';
import { wirePayloads } from '../strategies/strategies.js';

/** Options of runSweep. */
export interface SweepOptions {
  codecs: readonly CodecName[];
  strategies: readonly StrategyName[];
  batch: number;
  seqLens: readonly number[];
  /** TP sizes to project onto. */
  projectTp: readonly number[];
  stepMs: number;
  /** Broadcast to real processes (tp=2 and 3); false times encode/decode/derive in-process only. */
  ipc: boolean;
  /** Consecutive steps generated per size. */
  sequenceSteps: number;
  /** Chance per step that a request finishes and a prefilling one arrives; 0 is steady decode. */
  finishRate: number;
  broadcastSteps: number;
  /** In-process sampling time per operation, ms (used when ipc is false). */
  timeMs: number;
  /** Python interpreter for the pickle reference rows; null leaves them out. */
  python: string | null;
  /** Called once when the Python reference cannot run; the sweep carries on without it. */
  onPythonUnavailable?: (reason: string) => void;
  /** Folder for Chrome traces of the worst and best configuration's timeline runs. */
  traceDir?: string;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number; label: string }) => void;
}

/** One stall projection at a TP size. */
export interface SweepProjection {
  tp: number;
  stallMs: number;
  exposedMs: number;
  idleFraction: number;
  tokensPerSecondLost: number;
}

/** One codec × strategy × size of the sweep, with every figure of its stall report. */
export interface SweepRow {
  codec: string;
  strategy: StrategyName;
  batch: number;
  seqLen: number;
  projections: SweepProjection[];
  report: Omit<StallReport, 'context'>;
}

/** A per-rank timeline of one step, in ms from the step's start: the picture of the bubble. */
export interface Timeline {
  label: string;
  codec: string;
  strategy: StrategyName;
  seqLen: number;
  tp: number;
  oversubscribed: boolean;
  events: { rank: number; phase: 'encode' | 'send' | 'transfer' | 'decode' | 'derive'; startMs: number; endMs: number }[];
}

/** What a sweep returns; `complete` is false when it was interrupted. */
export interface SweepOutcome {
  rows: SweepRow[];
  timelines: Timeline[];
  complete: boolean;
  /** The interpreter that ran the pickle reference, or why none did. */
  python: { version: string; executable: string } | { unavailable: string };
}

function timelineOf(record: StepRecord, label: string, row: SweepRow, tp: number, oversubscribed: boolean): Timeline {
  const at = (ns: number): number => (ns - record.startNs) / 1e6;
  return {
    label,
    codec: row.codec,
    strategy: row.strategy,
    seqLen: row.seqLen,
    tp,
    oversubscribed,
    events: [
      { rank: 0, phase: 'encode', startMs: 0, endMs: at(record.encodedNs) },
      { rank: 0, phase: 'send', startMs: at(record.encodedNs), endMs: at(record.sentNs) },
      ...record.ranks.flatMap((k) => [
        { rank: k.rank, phase: 'transfer' as const, startMs: at(record.encodedNs), endMs: at(k.receivedNs) },
        { rank: k.rank, phase: 'decode' as const, startMs: at(k.receivedNs), endMs: at(k.decodedNs) },
        { rank: k.rank, phase: 'derive' as const, startMs: at(k.decodedNs), endMs: at(k.readyNs) },
      ]),
    ],
  };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'BroadcastAbortedError';
}

/** Runs measureStall for every codec × strategy × seqLen, then records the timeline of the worst and best configuration. */
export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const rows: SweepRow[] = [];
  // Configurations measured so far; the pickle reference rows come on top and are not counted.
  let measured = 0;
  const total = options.seqLens.length * options.codecs.length * options.strategies.length;
  const sequences = new Map<number, CtxMeta[]>();
  let python: SweepOutcome['python'] = options.python === null ? { unavailable: 'not requested' } : { unavailable: 'not run' };
  let pythonPath = options.python;
  const done = (complete: boolean, timelines: Timeline[] = []): SweepOutcome => ({ rows, timelines, complete, python });
  try {
    for (const seqLen of options.seqLens) {
      // One decode sequence per size, shared by every codec and strategy, so they all carry the same steps.
      const sequence = generateStepSequence({ batch: options.batch, seqLen, steps: options.sequenceSteps, seed: 1, finishRate: options.finishRate });
      sequences.set(seqLen, sequence);
      for (const codec of options.codecs) {
        for (const strategy of options.strategies) {
          if (options.signal?.aborted) return done(false);
          options.onProgress?.({ done: measured, total, label: `${codec} ${strategy} ${options.batch}x${seqLen}` });
          const { context: _context, ...report } = await measureStall(sequence, codec, {
            strategy,
            stepMs: options.stepMs,
            tp: 2,
            transport: options.ipc ? 'ipc' : 'none',
            inProcess: !options.ipc,
            timeMs: options.timeMs,
            broadcastSteps: options.broadcastSteps,
            ...(options.signal !== undefined ? { signal: options.signal } : {}),
          });
          void _context;
          const projections = options.projectTp.map((tp) => {
            const stallMs = options.ipc ? projectStall(report.parts, tp) : report.stall.p50;
            const p = projectOntoGpu(stallMs, { stepMs: options.stepMs, overlap: false, batch: options.batch, tp });
            return { tp, stallMs, exposedMs: p.exposedMs, idleFraction: p.idleFraction, tokensPerSecondLost: p.tokensPerSecondLost };
          });
          rows.push({ codec, strategy, batch: options.batch, seqLen, projections, report });
          measured++;
        }
      }
      if (pythonPath !== null) {
        options.onProgress?.({ done: measured, total, label: `pickle reference (python) ${options.batch}x${seqLen}` });
        try {
          const reference = await pickleRows(pythonPath, sequence, seqLen, options);
          rows.push(...reference.rows);
          python = { version: reference.version, executable: reference.executable };
        } catch (error) {
          if (!(error instanceof PythonReferenceError)) throw error;
          python = { unavailable: error.message };
          options.onPythonUnavailable?.(error.message);
          pythonPath = null;
        }
      }
    }
    options.onProgress?.({ done: measured, total, label: 'timelines' });
    return done(true, options.ipc ? await recordTimelines(rows, sequences, options) : []);
  } catch (error) {
    if (isAbort(error)) return done(false);
    throw error;
  }
}

/** Both pickle forms for every strategy's wire payload (the sequence's last step), timed inside Python. */
async function pickleRows(
  python: string,
  sequence: readonly CtxMeta[],
  seqLen: number,
  options: SweepOptions,
): Promise<{ rows: SweepRow[]; version: string; executable: string }> {
  const full = sequence[sequence.length - 1];
  if (full === undefined) return { rows: [], version: 'unknown', executable: python };
  const memcpy = (await measureLatencies({ memcpy: createMemcpy(payloadByteLength(full)) }, { timeMs: 50 })).memcpy as LatencyStats;
  const rows: SweepRow[] = [];
  let version = 'unknown';
  let executable = python;
  for (const strategy of options.strategies) {
    const wire = wirePayloads(strategy, sequence)[sequence.length - 1] ?? full;
    const result = await runPickleReference(wire, { python, timeMs: Math.max(50, options.timeMs), maxSamples: 50 });
    version = result.python;
    executable = result.executable;
    for (const form of ['boxed', 'array'] as const) {
      const report = pickleReport(form, result.forms[form], wire, full, strategy, memcpy, options.stepMs);
      const projections = options.projectTp.map((tp) => {
        const p = projectOntoGpu(report.stall.p50, { stepMs: options.stepMs, overlap: false, batch: options.batch, tp });
        return { tp, stallMs: report.stall.p50, exposedMs: p.exposedMs, idleFraction: p.idleFraction, tokensPerSecondLost: p.tokensPerSecondLost };
      });
      rows.push({ codec: report.codec, strategy, batch: options.batch, seqLen, projections, report });
    }
  }
  return { rows, version, executable };
}

async function recordTimelines(rows: readonly SweepRow[], sequences: Map<number, CtxMeta[]>, options: SweepOptions): Promise<Timeline[]> {
  const largest = Math.max(...options.seqLens);
  // Only rows measured with processes have a timeline to draw; the pickle reference runs inside Python alone.
  const atLargest = rows.filter((r) => r.seqLen === largest && r.report.transport === 'ipc').sort((a, b) => a.report.stall.p50 - b.report.stall.p50);
  const picks: [string, SweepRow | undefined][] = [
    ['worst', atLargest[atLargest.length - 1]],
    ['best', atLargest[0]],
  ];
  const timelines: Timeline[] = [];
  for (const [label, row] of picks) {
    if (row === undefined) continue;
    // tp=3 shows two ranks side by side; on a 2-core machine they share cores, and the timeline says so.
    const result = await runBroadcast({
      codec: row.codec as CodecName,
      tp: 3,
      strategy: row.strategy,
      payloads: sequences.get(row.seqLen) ?? [],
      steps: 5,
      warmup: 2,
      pings: 2,
      verify: 'sample',
      ...(options.traceDir !== undefined ? { trace: join(options.traceDir, `${label}.trace.json`) } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    });
    const sorted = [...result.steps].sort((a, b) => stallOf(a) - stallOf(b));
    const median = sorted[Math.floor(sorted.length / 2)];
    if (median !== undefined) timelines.push(timelineOf(median, label, row, result.tp, result.oversubscribed));
  }
  return timelines;
}

const stallOf = (s: StepRecord): number => Math.max(...s.ranks.map((k) => k.readyNs)) - s.startNs;

import { availableParallelism } from 'node:os';
import { measureEmptyStep, measureOnce, openRankSession, stallOf, type AllocationRegime, type Measurement, type MeasureRun, type RankSession, type StepRecord } from '../broadcast/session.js';
import { broadcastTrace } from '../broadcast/trace.js';
import { writeFileAtomic } from '../harness/write-atomic.js';
import { partSamples, PART_NAMES, rankSideTimes, type PartName } from '../broadcast/parts.js';
import { checkPlan, SAMPLING_PRESETS, stepsNeeded, type SamplingPlan, type SamplingPresetName } from '../broadcast/sampling.js';
import { isCodecModuleRef } from '../codecs/module.js';
import { isCodecName, listCodecs } from '../old/registry.js';
import type { AnyCodec } from '../codecs/types.js';
import { CTX_META_KIND } from '../kinds/ctx-meta/kind.js';
import { messageKind } from '../kinds/captured.js';
import type { PayloadKind } from '../kinds/types.js';
import type { MessageSequence } from '../message/types.js';
import { messageSource } from '../kinds/captured-source.js';
import { checkRoundTrip } from './gate.js';
import { TRANSPORT_NAMES, type TransportName } from '../transport/types.js';
import type { WaitPolicy } from '../transport/shm-ring-wait.js';
import { OptionsError } from '../errors.js';
import { collectRunContext, type RunContext } from '../harness/context.js';
import { createFreshCopy, createMemcpy, createRingMemcpy } from '../harness/memcpy.js';
import { timeOne } from '../harness/measure.js';
import { requireInt } from '../options.js';
import { arraySource, extensionSource, type StepSource } from '../kinds/ctx-meta/source.js';
import type { CtxMeta } from '../kinds/ctx-meta/types.js';
import { summarizeSamples, type SampleSummary } from '../stats/summary.js';
import { checkStrategy } from '../kinds/ctx-meta/strategies.js';
import type { StrategyName } from '../kinds/strategy.js';
import { startInProcess } from './in-process.js';
import { STEP_PRESETS, stepTimeFor, type StepPresetName, type StepTime } from './presets.js';
import { perPeerCost, projectBand, projectOntoGpu, type BandInputs, type GpuProjection, type StallBand } from './projection.js';
import { checkShmRingOptionsUse, type ShmRingOptions } from '../transport/shm-ring.js';

/** Where a measurement ran: over a transport between processes, or in this one process. */
export type MeasuredTransport = TransportName | 'none';

/** Options of measureStall. */
export interface MeasureStallOptions {
  /** TP size to project onto (ranks including the scheduler). @default 4 */
  tp?: number;
  /** GPU step time in ms for the projection. @default the preset of the TP asked for */
  stepMs?: number;
  /** Named GPU step time; `stepMs` overrides it. @default the preset measured at `tp`, if one exists */
  preset?: StepPresetName;
  /** Whether the engine overlaps scheduling with the GPU step (then only stall beyond stepMs is exposed). @default false */
  overlap?: boolean;
  /** 'ipc' (ZeroMQ) or 'shm-ring' (shared memory): broadcast to a real rank process; 'none': encode, decode and derive one after the other in this process. @default 'ipc' */
  transport?: MeasuredTransport;
  /** Geometry and wait policy of the shm-ring transport (the report records the policy that ran). */
  shmRing?: ShmRingOptions;
  /** What goes on the wire each step. @default 'full' */
  strategy?: StrategyName;
  /** 'reused': encode into pooled buffers recycled once every rank holds the step (what an engine does); 'fresh': new memory per message. @default 'reused' */
  regime?: AllocationRegime;
  /** How many steps to measure: a preset or a plan. @default 'full' */
  sampling?: SamplingPresetName | SamplingPlan;
  /** Which steps ranks check against the payload's fingerprint (after their clock stops). @default 'sample' (every 10th) */
  verify?: 'all' | 'sample' | 'none';
  /** Live tp=2 ranks to measure on (a sweep keeps them across configurations); opened and closed here when absent. */
  session?: RankSession;
  /** Small-message round trips to time for the transport floor. @default 20 */
  pings?: number;
  /** Writes the measured steps' per-rank timeline to this file in Chrome Trace Event format (open it in Perfetto). */
  trace?: string;
  /** Stops the measurement; rank processes and shared memory are cleaned up. */
  signal?: AbortSignal;
}

/** The raw per-step samples a report summarizes, ms, in step order. */
export type StallSamples = Record<PartName | 'stall' | 'rankSide', number[]>;

/** The physical floors measured beside the stall, in the same run. */
export interface Floors {
  /** Hot memcpy of the payload's content bytes: the floor of the `reused` regime. */
  memcpy: SampleSummary;
  /** A fresh allocUnsafeSlow of those bytes plus the copy: the floor of the `fresh` regime. */
  freshCopy: SampleSummary;
  /**
   * A reference, not a floor: the same bytes copied from two sources in turn into four targets in turn (createRingMemcpy),
   * so that a payload whose working set outgrows the cache is copied cold, as a message built each step into a ring of
   * 4 slots is. Absent in results written before it was measured.
   */
  ringMemcpy?: SampleSummary;
  /** Small-message round trip over the transport; null in process. */
  roundTrip: SampleSummary | null;
  /** The empty message's stall on the same transport in the same run: what the harness itself costs; null in process. */
  emptyStep: SampleSummary | null;
  /** The empty message's transfer p50 (encode done → received): one trip's latency with no bytes to move; null in process. */
  emptyTransfer: number | null;
}

/** Everything measureStall found: what went on the wire, what each part cost, and what it costs the GPUs. */
export interface StallReport {
  codec: string;
  strategy: StrategyName;
  form: AnyCodec['form'];
  transport: MeasuredTransport;
  /** How the transport's ends waited (shm-ring's spin and sleep policy); null for ZeroMQ and in process. */
  waitPolicy: WaitPolicy | null;
  /** The allocation regime that ran ('fresh' whenever the codec's library allocates its own output). */
  regime: AllocationRegime;
  batch: number;
  /** slotMapping entries of the full payload (the first measured step). */
  slots: number;
  frames: number;
  /** Median bytes on the wire per measured step. */
  wireBytes: number;
  /** Median content bytes (arrays and request ids) of the wire payload per step: the size the floors copy. */
  payloadBytes: number;
  /** Ranks of the run the stall was measured on (2: the scheduler and one rank; in process: 2 roles in one process). */
  measuredTp: number;
  /** True when that run had more ranks than cores. */
  oversubscribed: boolean;
  /** Step stall (latest rank ready − step start) over the measured steps, ms. */
  stall: SampleSummary;
  /** The parts of each step's critical path, ms; per step they add up to the stall. */
  parts: Record<PartName, SampleSummary>;
  samples: StallSamples;
  /** The measured step whose stall is the median: the picture of one typical step on every rank. */
  typicalStep: StepRecord | null;
  warmup: Measurement['warmup'];
  /** Restarts within the measured steps (labelled, never sampled). */
  restarts: number;
  /** Mean minor page faults per step: in the scheduler (encode and send) and on the rank (receive to ready). */
  pageFaultsPerStep: { scheduler: number; rank: number };
  floors: Floors;
  /** stall p50 / (the regime's floor p50 + the empty message's stall p50); null over a transport whose empty message was not measured (Python ranks). */
  vsFloor: number | null;
  /** True when the stall p50 is within 2× the empty message's: what is left is the harness, not the codec. */
  atFloor: boolean;
  /** The stall at the TP asked for: a band from the measured run (both ends equal at the measured TP). */
  band: StallBand;
  /** The TP asked for, measured directly: only on a machine with at least tp + 1 cores; the check on the band. */
  direct: { tp: number; stall: SampleSummary; inBand: boolean } | null;
  /** The band projected onto a GPU step of that TP; null ends when no step time is known for it. */
  projection: { tp: number; overlap: boolean; stepTime: StepTime | null; low: GpuProjection | null; high: GpuProjection | null };
  context: RunContext;
}

interface Resolved {
  codecName: string;
  tp: number;
  stepTime: StepTime | null;
  overlap: boolean;
  transport: MeasuredTransport;
  strategy: StrategyName;
  regime: AllocationRegime;
  plan: SamplingPlan;
  verifyEvery: number;
  pings: number;
}

const VERIFY_EVERY = { all: 1, sample: 10, none: 0 } as const;

/** Throws OptionsError unless `ref` names a built-in codec or a codec module (a path or file: URL). */
export function checkCodecRef(ref: string): string {
  if (!isCodecName(ref) && !isCodecModuleRef(ref)) throw new OptionsError('codec', `unknown codec '${ref}'; known: ${listCodecs().join(', ')}, or a path to a codec module`);
  return ref;
}

function resolve(codec: AnyCodec | string, options: MeasureStallOptions): Resolved {
  const codecName = typeof codec === 'string' ? checkCodecRef(codec) : codec.name;
  const tp = requireInt('tp', options.tp ?? 4, 1, 1024);
  if (options.preset !== undefined && !Object.hasOwn(STEP_PRESETS, options.preset)) {
    throw new OptionsError('preset', `unknown preset '${String(options.preset)}'; known: ${Object.keys(STEP_PRESETS).join(', ')}`);
  }
  if (options.stepMs !== undefined && !(Number.isFinite(options.stepMs) && options.stepMs > 0)) {
    throw new OptionsError('stepMs', `must be a positive number of ms, got ${String(options.stepMs)}`);
  }
  const transport = options.transport ?? 'ipc';
  if (transport !== 'none' && !TRANSPORT_NAMES.includes(transport)) throw new OptionsError('transport', `must be one of ${TRANSPORT_NAMES.join(', ')} or 'none'`);
  if (transport !== 'none' && typeof codec !== 'string' && !isCodecName(codec.name)) {
    throw new OptionsError('codec', 'ranks build their own codec: pass a codec module path (its default export a factory) for transport ipc');
  }
  const regime = options.regime ?? 'reused';
  if (regime !== 'reused' && regime !== 'fresh') throw new OptionsError('regime', "must be 'reused' or 'fresh'");
  const sampling = options.sampling ?? 'full';
  if (typeof sampling === 'string' && !Object.hasOwn(SAMPLING_PRESETS, sampling)) {
    throw new OptionsError('sampling', `unknown preset '${sampling}'; known: ${Object.keys(SAMPLING_PRESETS).join(', ')}`);
  }
  const plan = checkPlan(typeof sampling === 'string' ? SAMPLING_PRESETS[sampling] : sampling);
  const verify = options.verify ?? 'sample';
  if (!Object.hasOwn(VERIFY_EVERY, verify)) throw new OptionsError('verify', 'must be all, sample or none');
  if (options.session !== undefined && options.session.tp !== 2) throw new OptionsError('session', `must have tp=2, has tp=${options.session.tp}`);
  return {
    codecName,
    tp,
    stepTime: stepTimeFor(tp, options.stepMs, options.preset),
    overlap: options.overlap ?? false,
    transport,
    strategy: checkStrategy(options.strategy ?? 'full'),
    regime,
    plan,
    verifyEvery: VERIFY_EVERY[verify],
    pings: requireInt('pings', options.pings ?? 20, 0, 100_000),
  };
}

/** What a band at another TP is projected from: the measured run's samples and its transport's empty-message transfer. */
export function bandInputsOf(report: Pick<StallReport, 'measuredTp' | 'oversubscribed' | 'samples' | 'transport' | 'floors'>, stepBlock?: readonly number[]): BandInputs {
  const perPeer = perPeerCost(report.transport, report.samples.transfer, report.floors.emptyTransfer);
  // Every step has one rank-side time per receiving rank, in step order.
  const ranksPerStep = Math.max(1, report.measuredTp - 1);
  return {
    tp: report.measuredTp,
    oversubscribed: report.oversubscribed,
    stall: report.samples.stall,
    encode: report.samples.encode,
    rankSide: report.samples.rankSide,
    ...(stepBlock === undefined ? {} : { rankSideBlock: report.samples.rankSide.map((_, i) => stepBlock[Math.floor(i / ranksPerStep)] as number) }),
    transfer: report.samples.transfer,
    perPeerMs: perPeer.ms,
    perPeerBasis: perPeer.basis,
  };
}

/** The per-step samples of a measurement. */
export function samplesOf(m: Measurement): StallSamples {
  return { ...partSamples(m.steps), rankSide: rankSideTimes(m.steps) };
}

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

/** What moving a payload's bytes once costs in this process: a hot memcpy, a fresh allocation plus the copy, and a copy through a ring. */
export type CopyFloors = Pick<Floors, 'memcpy' | 'freshCopy' | 'ringMemcpy'>;

// At least 50 copies per floor: 15 ms holds only ~10 copies of a payload of megabytes, too few for a stable median.
const FLOOR_BUDGET = { timeMs: 15, warmupMs: 5, iterations: 50 };

/** Times the copy floors of a payload size. */
export async function timeCopyFloors(payloadBytes: number): Promise<CopyFloors> {
  return {
    memcpy: await timeOne(createMemcpy(payloadBytes), FLOOR_BUDGET),
    freshCopy: await timeOne(createFreshCopy(payloadBytes), FLOOR_BUDGET),
    ringMemcpy: await timeOne(createRingMemcpy(payloadBytes), FLOOR_BUDGET),
  };
}

/** A report without its projection: the measured steps summarized, and the floors for their payload size measured now. */
export type MeasuredReport = Omit<StallReport, 'band' | 'direct' | 'projection'>;

/** Summarizes a measurement's steps into a report, timing the floors of its payload size in this process. */
export async function measuredReport(
  m: Measurement,
  info: {
    form: AnyCodec['form'];
    transport: MeasuredTransport;
    waitPolicy: WaitPolicy | null;
    kind: PayloadKind<unknown>;
    source: StepSource<unknown>;
    roundTrip: SampleSummary | null;
    emptyStep: SampleSummary | null;
    emptyTransfer: number | null;
    oversubscribed: boolean;
    context: RunContext;
    /** Times the copy floors of a payload size; a sweep passes one that times each size once for all its rows. */
    copyFloors?: (payloadBytes: number) => Promise<CopyFloors>;
  },
): Promise<MeasuredReport> {
  const samples = samplesOf(m);
  const payloadBytes = summarizeSamples(m.steps.map((s) => s.payloadBytes)).p50;
  const copies = await (info.copyFloors ?? timeCopyFloors)(payloadBytes);
  const floors: Floors = {
    ...copies,
    roundTrip: info.roundTrip,
    emptyStep: info.emptyStep,
    emptyTransfer: info.emptyTransfer,
  };
  const stall = summarizeSamples(samples.stall);
  // One trip through the harness, like the stall itself: the empty message's stall, not a round trip.
  const floorMs = (m.regime === 'reused' ? floors.memcpy.p50 : floors.freshCopy.p50) + (info.emptyStep?.p50 ?? 0);
  return {
    codec: m.codec,
    strategy: m.strategy,
    form: info.form,
    transport: info.transport,
    waitPolicy: info.waitPolicy,
    regime: m.regime,
    batch: info.source.batch,
    slots: firstSlots(info.kind, info.source),
    frames: summarizeSamples(m.steps.map((s) => s.frames)).p50,
    wireBytes: summarizeSamples(m.steps.map((s) => s.wireBytes)).p50,
    payloadBytes,
    measuredTp: 2,
    oversubscribed: info.oversubscribed,
    stall,
    parts: Object.fromEntries(PART_NAMES.map((name) => [name, summarizeSamples(samples[name])])) as Record<PartName, SampleSummary>,
    samples,
    typicalStep: typicalStep(m.steps),
    warmup: m.warmup,
    restarts: m.restarts,
    pageFaultsPerStep: { scheduler: mean(m.steps.map((s) => s.pageFaults)), rank: mean(m.steps.flatMap((s) => s.ranks.map((k) => k.pageFaults))) },
    floors,
    // Without the transport's empty step the floor would be the copy alone, not comparable with the rows that have one.
    vsFloor: info.transport !== 'none' && info.emptyStep === null ? null : stall.p50 / floorMs,
    atFloor: info.emptyStep !== null && stall.p50 <= 2 * info.emptyStep.p50,
    context: info.context,
  };
}

/** Measures what broadcasting `payload` with `codec` stalls each TP rank per step, and projects it onto the GPUs. */
export async function measureStall(
  payload: CtxMeta | readonly CtxMeta[] | StepSource | MessageSequence,
  codec: AnyCodec | string,
  options: MeasureStallOptions = {},
): Promise<StallReport> {
  const config = resolve(codec, options);
  checkShmRingOptionsUse(options.shmRing, [config.transport], options.session === undefined);
  const { kind, source } = inputOf(payload, config.plan);
  if (!kind.strategies.includes(config.strategy)) {
    throw new OptionsError('strategy', `'${config.strategy}' does not apply to these messages; use ${kind.strategies.join(' or ')}`);
  }
  const instance = typeof codec === 'string' ? await kind.createCodec(codec, {}) : codec;
  const context = collectRunContext();
  try {
    // Nothing is timed for a codec that loses data: every step must come back bit for bit first.
    checkRoundTrip(kind, instance, source, config.strategy);
    const run = { codec: config.codecName, kind, strategy: config.strategy, source, regime: config.regime, plan: config.plan, verifyEvery: config.verifyEvery };
    let measurement: Measurement;
    let roundTrip: SampleSummary | null = null;
    let emptyStep: SampleSummary | null = null;
    let emptyTransfer: number | null = null;
    let waitPolicy: WaitPolicy | null = null;
    let oversubscribed = false;
    if (config.transport === 'none') {
      options.signal?.throwIfAborted();
      measurement = await measureOnce(startInProcess({ ...run, codec: instance, ...(options.signal !== undefined ? { signal: options.signal } : {}) }), config.plan);
    } else {
      const session = options.session ?? (await openRankSession({ tp: 2, transport: config.transport, ...(options.shmRing !== undefined ? { shmRing: options.shmRing } : {}), ...(options.signal !== undefined ? { signal: options.signal } : {}) }));
      try {
        oversubscribed = session.oversubscribed;
        waitPolicy = session.waitPolicy;
        if (config.pings > 0) roundTrip = summarizeSamples(await session.pingRoundTrips(config.pings));
        const empty = samplesOf(await measureEmptyStep(session, config.plan));
        emptyStep = summarizeSamples(empty.stall);
        emptyTransfer = summarizeSamples(empty.transfer).p50;
        measurement = await session.measure(run);
      } finally {
        if (options.session === undefined) await session.close();
      }
    }
    if (options.trace !== undefined) {
      writeFileAtomic(options.trace, JSON.stringify(broadcastTrace(measurement.steps, { label: `${config.codecName} ${config.strategy}`, tp: 2 })));
    }
    const report = await measuredReport(measurement, {
      form: instance.form,
      transport: config.transport,
      kind,
      source,
      roundTrip,
      emptyStep,
      emptyTransfer,
      waitPolicy,
      oversubscribed,
      context,
    });
    const band = projectBand(bandInputsOf(report), config.tp);
    const direct = config.transport !== 'none' ? await measureDirectly(config, run, band, options) : null;
    const gpu = (stallMs: number): GpuProjection | null =>
      config.stepTime === null ? null : projectOntoGpu(stallMs, { stepMs: config.stepTime.stepMs, overlap: config.overlap, batch: source.batch, tp: config.tp });
    return {
      ...report,
      band,
      direct,
      projection: { tp: config.tp, overlap: config.overlap, stepTime: config.stepTime, low: gpu(band.lowMs), high: gpu(band.highMs) },
    };
  } finally {
    if (typeof codec === 'string') instance.dispose?.();
  }
}

/** A TP measured directly, beside the band projected for it: they agree when the median's interval overlaps the band. */
export function directResult(tp: number, steps: readonly StepRecord[], band: StallBand): NonNullable<StallReport['direct']> {
  const stall = summarizeSamples(steps.map(stallOf));
  // The band is a model and the interval is the measurement's noise: they agree when they overlap.
  return { tp, stall, inBand: stall.ci95[1] >= band.lowMs && stall.ci95[0] <= band.highMs };
}

/** The requested TP run as real processes, when the machine has a core for every rank and one to spare. */
async function measureDirectly(config: Resolved, run: MeasureRun, band: StallBand, options: MeasureStallOptions): Promise<StallReport['direct']> {
  if (config.tp <= 2 || availableParallelism() < config.tp + 1) return null;
  const session = await openRankSession({ tp: config.tp, transport: config.transport as TransportName, ...(options.shmRing !== undefined ? { shmRing: options.shmRing } : {}), ...(options.signal !== undefined ? { signal: options.signal } : {}) });
  try {
    return directResult(config.tp, (await session.measure(run)).steps, band);
  } finally {
    await session.close();
  }
}

/** The kind of message a measurement carries, and its steps. */
function inputOf(payload: CtxMeta | readonly CtxMeta[] | StepSource | MessageSequence, plan: SamplingPlan): { kind: PayloadKind<unknown>; source: StepSource<unknown> } {
  const ctxMeta = (source: StepSource): { kind: PayloadKind<unknown>; source: StepSource<unknown> } => ({ kind: CTX_META_KIND as PayloadKind<unknown>, source });
  if (Array.isArray(payload)) {
    if (payload.length === 0) throw new OptionsError('payload', 'an empty sequence has nothing to measure');
    return ctxMeta(arraySource(payload as readonly CtxMeta[]));
  }
  if ('messages' in payload && Array.isArray(payload.messages)) {
    const sequence = payload as MessageSequence;
    if (sequence.messages.length === 0) throw new OptionsError('payload', 'an empty message sequence has nothing to measure');
    return { kind: messageKind(sequence.dtypes, sequence.batch ?? 0) as PayloadKind<unknown>, source: messageSource(sequence) as StepSource<unknown> };
  }
  if ('open' in payload && typeof payload.open === 'function') return ctxMeta(payload as StepSource);
  // One payload is continued into as many decode steps as the plan needs, so no measured step wraps around.
  return ctxMeta(extensionSource(payload as CtxMeta, stepsNeeded(plan)));
}

/** The step whose stall is the median of the measured ones. */
function typicalStep(steps: readonly StepRecord[]): StepRecord | null {
  const sorted = [...steps].sort((a, b) => stallOf(a) - stallOf(b));
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

function firstSlots(kind: PayloadKind<unknown>, source: StepSource<unknown>): number {
  const first = source.open().next();
  return first.done === true ? 0 : kind.slots(first.value);
}

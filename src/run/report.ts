import { partSamples, PART_NAMES, rankSideTimes, type PartName } from '../broadcast/parts.js';
import type { StepRecord } from '../broadcast/records.js';
import { stallOf, type AllocationRegime, type Measurement } from '../broadcast/session.js';
import type { CodecForm } from '../codecs/types.js';
import type { ShmBackendKind } from '../shm/region.js';
import { createFreshCopy, createMemcpy, createRingMemcpy } from '../harness/memcpy.js';
import { timeOne } from '../harness/measure.js';
import type { StrategyName } from '../kinds/strategy.js';
import type { MessageKind, StepSource } from '../kinds/types.js';
import { perPeerCost, type BandInputs } from '../model/projection.js';
import { summarizeSamples, type SampleSummary } from '../stats/summary.js';
import { tailAttribution, type TailAttribution } from './tails.js';
import type { WaitPolicy } from '../transport/shm-ring-wait.js';
import type { TransportName } from '../transport/types.js';
import type { Baseline } from './baseline.js';

/** Where a measurement ran: over a transport between processes, or in this one process. */
export type MeasuredTransport = TransportName | 'none';

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

/** A measurement's steps summarized: what went on the wire, what each part cost, against the floors of the same run. */
export interface MeasuredReport {
  codec: string;
  strategy: StrategyName;
  form: CodecForm;
  transport: MeasuredTransport;
  /** How the transport's ends waited; null where each blocked in the kernel at once (ZeroMQ's default) and in process. */
  waitPolicy: WaitPolicy | null;
  /** Rank 0's sleep before each step, ms (the GPU's step stood in for); absent where steps ran back to back. */
  idleMs?: number;
  /** Where the tail comes from: the slow steps' preemptions, GC and page faults (absent from results made before it was counted). */
  tails?: TailAttribution;
  /** The allocation regime that ran ('fresh' whenever the codec's library allocates its own output). */
  regime: AllocationRegime;
  batch: number;
  /** Context tokens of the first step (CtxMeta's slots; 0 for kinds without them). */
  slots: number;
  frames: number;
  /** Median bytes on the wire per measured step. */
  wireBytes: number;
  /** Median content bytes of the wire message per step: the size the floors copy. */
  payloadBytes: number;
  /** Ranks of the run the stall was measured on (2: the scheduler and one rank; in process: 2 roles in one process). */
  measuredTp: number;
  /** True when that run had more ranks than cores. */
  oversubscribed: boolean;
  /** Step stall (latest rank ready − step start) over the measured steps, ms. */
  stall: SampleSummary;
  /** The parts of each step's critical path, ms; per step they add up to the stall. */
  parts: Record<PartName, SampleSummary>;
  /** Until the send call returned (the frames are queued), ms; inside transfer. */
  send: SampleSummary;
  /** Each rank's own stall (ready − step start), ms, by rank. */
  rankStall: Record<number, SampleSummary>;
  samples: StallSamples;
  /** The measured step whose stall is the median: the picture of one typical step on every rank. */
  typicalStep: StepRecord | null;
  warmup: Measurement['warmup'];
  /** Restarts within the measured steps (labelled, never sampled). */
  restarts: number;
  /** Answers that did not carry the run's token, or answered a step not asked. */
  rejectedFrames: number;
  /** Which shared-memory backend the codec used, for codecs that have one. */
  shmBackend: ShmBackendKind | null;
  /** Mean minor page faults per step: in the scheduler (encode and send) and on the rank (receive to ready). */
  pageFaultsPerStep: { scheduler: number; rank: number };
  floors: Floors;
  /** stall p50 / (the regime's floor p50 + the empty message's stall p50); null over a transport whose empty message was not measured (Python ranks). */
  vsFloor: number | null;
  /** True when the stall p50 is within 2× the empty message's: what is left is the harness, not the codec. */
  atFloor: boolean;
}

/** The per-step samples of a measurement. */
export function samplesOf(m: Pick<Measurement, 'steps'>): StallSamples {
  return { ...partSamples(m.steps), rankSide: rankSideTimes(m.steps) };
}

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

/** The step whose stall is the median of the measured ones. */
function typicalStep(steps: readonly StepRecord[]): StepRecord | null {
  const sorted = [...steps].sort((a, b) => stallOf(a) - stallOf(b));
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

function rankStalls(steps: readonly StepRecord[], tp: number): Record<number, SampleSummary> {
  const out: Record<number, SampleSummary> = {};
  for (let rank = 1; rank < tp; rank++) out[rank] = summarizeSamples(steps.flatMap((s) => s.ranks.filter((k) => k.rank === rank).map((k) => (k.readyNs - s.startNs) / 1e6)));
  return out;
}

/** What a report needs besides the steps: the codec's form, the transport and its baseline, the kind and its source. */
export interface ReportInputs {
  form: CodecForm;
  transport: MeasuredTransport;
  kind: MessageKind;
  source: StepSource;
  baseline: Baseline;
  /** Ranks of the measured run. @default 2 */
  tp?: number;
  /** Times the copy floors of a payload size; a sweep passes one that times each size once for all its rows. */
  copyFloors?: (payloadBytes: number) => Promise<CopyFloors>;
}

/** Summarizes a measurement's steps into a report, timing the floors of its payload size in this process. */
export async function measuredReport(m: Measurement, info: ReportInputs): Promise<MeasuredReport> {
  const samples = samplesOf(m);
  const payloadBytes = summarizeSamples(m.steps.map((s) => s.payloadBytes)).p50;
  const copies = await (info.copyFloors ?? timeCopyFloors)(payloadBytes);
  const { baseline } = info;
  const floors: Floors = { ...copies, roundTrip: baseline.roundTrip, emptyStep: baseline.emptyStep, emptyTransfer: baseline.emptyTransfer };
  const stall = summarizeSamples(samples.stall);
  // One trip through the harness, like the stall itself: the empty message's stall, not a round trip.
  const floorMs = (m.regime === 'reused' ? floors.memcpy.p50 : floors.freshCopy.p50) + (baseline.emptyStep?.p50 ?? 0);
  const first = info.source.open().next();
  const tp = info.tp ?? 2;
  return {
    codec: m.codec,
    strategy: m.strategy,
    form: info.form,
    transport: info.transport,
    waitPolicy: baseline.waitPolicy,
    ...(baseline.idleMs > 0 ? { idleMs: baseline.idleMs } : {}),
    tails: tailAttribution(m.steps, { idleGap: baseline.idleMs > 0 }),
    regime: m.regime,
    batch: info.source.batch,
    slots: first.done === true ? 0 : info.kind.slots(first.value),
    frames: summarizeSamples(m.steps.map((s) => s.frames)).p50,
    wireBytes: summarizeSamples(m.steps.map((s) => s.wireBytes)).p50,
    payloadBytes,
    measuredTp: tp,
    oversubscribed: baseline.oversubscribed,
    stall,
    parts: Object.fromEntries(PART_NAMES.map((name) => [name, summarizeSamples(samples[name])])) as Record<PartName, SampleSummary>,
    send: summarizeSamples(m.steps.map((s) => (s.sentNs - s.encodedNs) / 1e6)),
    rankStall: rankStalls(m.steps, tp),
    samples,
    typicalStep: typicalStep(m.steps),
    warmup: m.warmup,
    restarts: m.restarts,
    rejectedFrames: m.rejectedFrames,
    shmBackend: m.shmBackend,
    pageFaultsPerStep: { scheduler: mean(m.steps.map((s) => s.pageFaults)), rank: mean(m.steps.flatMap((s) => s.ranks.map((k) => k.pageFaults))) },
    floors,
    // Without the transport's empty step the floor would be the copy alone, not comparable with the rows that have one.
    vsFloor: info.transport !== 'none' && baseline.emptyStep === null ? null : stall.p50 / floorMs,
    atFloor: baseline.emptyStep !== null && stall.p50 <= 2 * baseline.emptyStep.p50,
  };
}

/** What a band at another TP is projected from: the measured run's samples and its transport's empty-message transfer. */
export function bandInputsOf(report: Pick<MeasuredReport, 'measuredTp' | 'oversubscribed' | 'samples' | 'transport' | 'floors'>, stepBlock?: readonly number[]): BandInputs {
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

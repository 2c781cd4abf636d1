import type { LinkProjection } from '../model/link.js';
import type { StepRecord } from '../broadcast/records.js';
import { stallOf, type Runtime } from '../broadcast/session.js';
import type { RunContext } from '../harness/context.js';
import type { StrategyName } from '../kinds/strategy.js';
import { stepTimeFor, type StepPresetName, type StepTime } from '../model/presets.js';
import { projectBand, projectOntoGpu, type GpuProjection, type StallBand } from '../model/projection.js';
import { summarizeSamples, type SampleSummary } from '../stats/summary.js';
import { bandInputsOf, type MeasuredReport, type MeasuredTransport } from './report.js';

/** The stall at one TP size: measured directly where the machine has the cores, else a band from the tp=2 run. */
export interface Projection {
  tp: number;
  band: StallBand;
  /** The requested TP run directly (a machine with ≥ tp + 1 cores): the check on the band. */
  direct: { tp: number; stall: SampleSummary; inBand: boolean } | null;
  stepTime: StepTime | null;
  /** The band's ends projected onto a GPU step of that TP; null when no step time is known for it. */
  low: GpuProjection | null;
  high: GpuProjection | null;
}

/** One launch's median, for the spread between launches. */
export interface LaunchSummary {
  p50: number;
  ci95: [number, number];
  n: number;
}

/**
 * One process's CPU time per step: user + system, sampled between blocks (each block's CPU over every step it ran, a
 * ping's worth included), its median over blocks; split into the step's own work and everything else the process spent
 * — receiving and answering, its transport's I/O threads, and waiting between steps (spinning, or nothing in the kernel).
 */
export interface ProcessCpu {
  /** 0: the scheduler (for Node rows, the orchestrating process, harness work included); 1…: the ranks. */
  rank: number;
  usPerStep: number;
  /** The step's own work, µs: the scheduler's encode, a rank's decode + convert + derive (medians of their stamps). */
  workUs: number;
  /** usPerStep − workUs, at least 0: receiving, answering, the transport's threads and waiting. */
  otherUs: number;
  /** The cores the process kept busy over the blocks (CPU over wall time, median): near 1 for a rank that spins. */
  cores: number;
  /** Blocks the median is over. */
  blocks: number;
}

/** A rank's clock against rank 0's over a run's blocks, estimated NTP-style before each (clockOffsetOf). */
export interface RankClock {
  rank: number;
  /** The host the rank ran on, where a launched world (`stallbench rank`) put it on another. */
  host?: string;
  /** The newest block's estimate of the rank's clock minus rank 0's, µs: taken off its stamps before they were used. */
  offsetUs: number;
  /** The largest half round trip of any block's estimate, µs: every cross-host part (transfer most of all) and the stall are known to ± this. */
  uncertaintyUs: number;
  /** Largest minus smallest estimate over the blocks, µs: how far the clocks drifted apart during the run. */
  driftUs: number;
  /** Blocks estimated. */
  blocks: number;
}

/**
 * One codec × strategy × message × transport, measured: what every driver returns (measureStall, runBroadcast, the ipc
 * bench, each row of a sweep); tables, charts and comparisons are views of it.
 */
export interface StallRow {
  /** Who ran the scheduler and ranks: Node processes, or the seed's Python scheduler and ranks. */
  runtime: Runtime;
  /** The codec's own name (a codec module's factory decides it). */
  codec: string;
  /** The codec module's path, for codecs from outside the registry. */
  codecModule?: string;
  /** Python rows of a replay: the file of the engine's own objects they pickled, in place of the messages' plain form. */
  replay?: string;
  /** A tcp row projected onto the link the run named (--link), at tp=2 and each projected TP. */
  link?: LinkProjection[];
  /** The wait policy the run was asked to measure this row under (waitChoiceOf); absent: the transport's own (report.waitPolicy says which). */
  wait?: string;
  /** 'generated' CtxMeta steps, or the captured sequence's source. */
  sequence: string;
  strategy: StrategyName;
  transport: MeasuredTransport;
  batch: number;
  /** Context length of generated steps; 0 for a captured sequence. */
  seqLen: number;
  report: MeasuredReport;
  projections: Projection[];
  /** Every launch's stall median in each of its blocks, in time order: the samples a run-to-run comparison uses. */
  blocks: number[];
  /**
   * The stall over the measured steps, with its 95% interval taken over the block medians where there are at least 6
   * blocks: steps in one block share the machine's state of that moment, so they are not independent samples.
   */
  stallOverBlocks: SampleSummary;
  /** (max − min) / median of those block medians: how far the machine drifted under this row during the run. */
  blockSpread: number;
  /** Each launch's stall median; one entry unless the run had repeat > 1. */
  launches: LaunchSummary[];
  /** (max − min) / median of the launches' medians; 0 for one launch. */
  launchSpread: number;
  /** CPU time per step on every process (sweep rows over real processes), by rank. */
  cpu?: ProcessCpu[];
  /** tcp rows: each rank's clock offset to rank 0 with its uncertainty, estimated before every block. */
  clock?: RankClock[];
  /** The machine and runtime it came from, for a row that stands alone (a results file of rows records it once). */
  context?: RunContext;
  /** The measured steps themselves, where the caller asked to keep them (a trace). */
  steps?: StepRecord[];
}

/**
 * The pooled median, with the interval of the block medians when there are enough blocks to give one — widened to take in
 * the pooled median where it falls outside, since the two estimate the centre of slightly different distributions.
 */
export function overBlocks(stall: SampleSummary, blockMedians: readonly number[]): SampleSummary {
  if (blockMedians.length < 6) return stall;
  const blocks = summarizeSamples(blockMedians);
  const ci95: [number, number] = [Math.min(blocks.ci95[0], stall.p50), Math.max(blocks.ci95[1], stall.p50)];
  return { ...stall, ci95, ciCoverage: blocks.ciCoverage };
}

/** (max − min) / median of some medians; 0 for fewer than two. */
export function spreadOf(medians: readonly number[]): number {
  if (medians.length < 2) return 0;
  return (Math.max(...medians) - Math.min(...medians)) / summarizeSamples(medians).p50;
}

/** A TP measured directly, beside the band projected for it: they agree when the median's interval overlaps the band. */
export function directResult(tp: number, steps: readonly StepRecord[], band: StallBand): NonNullable<Projection['direct']> {
  const stall = summarizeSamples(steps.map(stallOf));
  return { tp, stall, inBand: stall.ci95[1] >= band.lowMs && stall.ci95[0] <= band.highMs };
}

/** How a row projects its stall: onto which TPs and GPU steps. */
export interface ProjectionOptions {
  projectTp: readonly number[];
  /** GPU step time for every TP; without it each TP takes its preset (or `preset`'s). */
  stepMs?: number;
  preset?: StepPresetName;
  /** The engine overlaps scheduling with the GPU step. @default false */
  overlap?: boolean;
}

/** The band and GPU share at each TP asked for. */
export function projectionsOf(
  report: MeasuredReport,
  options: ProjectionOptions,
  measured: { batch: number; stepBlocks?: readonly number[]; directSteps?: (tp: number) => readonly StepRecord[] },
): Projection[] {
  return options.projectTp.map((tp) => {
    const band = projectBand(bandInputsOf(report, measured.stepBlocks), tp);
    const stepTime = stepTimeFor(tp, options.stepMs, options.preset);
    const gpu = (stallMs: number): GpuProjection | null =>
      stepTime === null ? null : projectOntoGpu(stallMs, { stepMs: stepTime.stepMs, overlap: options.overlap ?? false, batch: measured.batch, tp });
    const directSteps = measured.directSteps?.(tp) ?? [];
    return { tp, band, direct: directSteps.length === 0 ? null : directResult(tp, directSteps, band), stepTime, low: gpu(band.lowMs), high: gpu(band.highMs) };
  });
}

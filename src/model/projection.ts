import { quantile } from '../stats/quantile.js';
import { slowestOfQuantile } from '../stats/slowest.js';

/** What a stall costs a GPU step. */
export interface GpuProjection {
  tp: number;
  stallMs: number;
  stepMs: number;
  overlap: boolean;
  /** Stall the GPU waits for: all of it, or with an overlapped scheduler max(0, stall − stepMs). */
  exposedMs: number;
  /** exposed / (stepMs + exposed): the share of wall time the GPUs sit idle. */
  idleFraction: number;
  batch: number;
  /** batch tokens per step at stepMs, per second. */
  tokensPerSecond: number;
  /** Tokens per second lost to the exposed stall. */
  tokensPerSecondLost: number;
}

/** Projects a per-step stall onto a GPU step of stepMs producing `batch` tokens. */
export function projectOntoGpu(stallMs: number, options: { stepMs: number; overlap: boolean; batch: number; tp: number }): GpuProjection {
  const { stepMs, overlap, batch, tp } = options;
  const exposedMs = overlap ? Math.max(0, stallMs - stepMs) : stallMs;
  const tokensPerSecond = (batch * 1000) / stepMs;
  return {
    tp,
    stallMs,
    stepMs,
    overlap,
    exposedMs,
    idleFraction: exposedMs / (stepMs + exposedMs),
    batch,
    tokensPerSecond,
    tokensPerSecondLost: tokensPerSecond - (batch * 1000) / (stepMs + exposedMs),
  };
}

/** Samples from the measured run a band is projected from, ms. */
export interface BandInputs {
  /** TP size of the measured run (2 on a small machine). */
  tp: number;
  /** True when that run had more ranks than cores. */
  oversubscribed: boolean;
  /** The step stall per step. */
  stall: readonly number[];
  /** Rank 0's encode per step. */
  encode: readonly number[];
  /** Every rank's time from encode done to ready, per step. */
  rankSide: readonly number[];
  /**
   * The block each rank-side time was measured in. What moves a whole block (the machine's drift, another
   * configuration's garbage) moves every rank of a step alike, so only the spread within blocks is drawn independently
   * per rank. Without it the run is one block.
   */
  rankSideBlock?: readonly number[];
  /** The slowest rank's transfer per step. */
  transfer: readonly number[];
  /**
   * What one more peer costs the sender when its fan-out is serial, ms: the single-peer transfer p50 less the empty
   * message's (the bytes' share of a trip, not the wake-up every peer pays in parallel); 0 where one write serves every
   * rank (a shared-memory ring).
   */
  perPeerMs: number;
  /** Where perPeerMs came from, in words. */
  perPeerBasis: string;
}

/** The stall at a TP size that was not measured directly: a band between two stated models. */
export interface StallBand {
  tp: number;
  /** Every rank as fast as the measured one, receiving in parallel: the measured stall p50 (more ranks never make a step earlier). */
  lowMs: number;
  /**
   * Ranks independent and the sender's fan-out serial: encode p50 + the median of the slowest of tp − 1 rank-side times
   * (drawn from the spread within blocks) + (tp − 2) × perPeerMs.
   */
  highMs: number;
  /** Which run and which models produced the band, in words. */
  basis: string;
  /** True when the run the band comes from was itself oversubscribed: its figures include waiting for a core. */
  basisOversubscribed: boolean;
}

const sortedCopy = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/**
 * What one more peer costs a serial sender: the transfer p50 less the empty message's, or 0 for a transport whose one
 * write serves every rank. Without an empty-message floor the whole transfer is charged: the band's top is then an upper bound.
 */
export function perPeerCost(transport: string, transferMs: readonly number[], emptyTransferMs: number | null): { ms: number; basis: string } {
  if (transport === 'shm-ring' || transport === 'none') return { ms: 0, basis: 'one write serves every rank' };
  const transfer = quantile(sortedCopy(transferMs), 0.5);
  if (emptyTransferMs === null) return { ms: transfer, basis: 'the whole transfer p50: no empty-message floor here, so an upper bound' };
  return { ms: Math.max(0, transfer - emptyTransferMs), basis: "the transfer p50 less the empty message's" };
}

/** Fewest steps per block, on average, for the spread within blocks to stand for the rank-to-rank spread. */
const MIN_STEPS_PER_BLOCK = 3;

/**
 * The q quantile of the rank side as independent ranks would draw it: its median plus the q quantile of its spread within
 * blocks; or, where blocks hold too few steps to have a spread (one step each leaves none), its q quantile over all steps.
 */
function independentQuantile(rankSide: readonly number[], blockOf: readonly number[] | undefined, q: number): { ms: number; withinBlocks: boolean } {
  const pooled = { ms: quantile(sortedCopy(rankSide), q), withinBlocks: false };
  if (blockOf === undefined || blockOf.length !== rankSide.length) return pooled;
  const byBlock = new Map<number, number[]>();
  rankSide.forEach((value, i) => {
    const block = blockOf[i] as number;
    byBlock.set(block, [...(byBlock.get(block) ?? []), value]);
  });
  if (byBlock.size < 2 || rankSide.length < MIN_STEPS_PER_BLOCK * byBlock.size) return pooled;
  const medians = new Map([...byBlock].map(([block, values]) => [block, quantile(sortedCopy(values), 0.5)]));
  const residuals = rankSide.map((value, i) => value - (medians.get(blockOf[i] as number) as number));
  return { ms: quantile(sortedCopy(rankSide), 0.5) + quantile(sortedCopy(residuals), q), withinBlocks: true };
}

/** Projects the measured run onto `tp` ranks as a band; at the measured TP the low end is the run's own median. */
export function projectBand(inputs: BandInputs, tp: number): StallBand {
  if (tp <= 1) return { tp, lowMs: 0, highMs: 0, basis: 'no peers: no stall', basisOversubscribed: false };
  const lowMs = quantile(sortedCopy(inputs.stall), 0.5);
  const q = slowestOfQuantile(tp - 1);
  const rankSide = independentQuantile(inputs.rankSide, inputs.rankSideBlock, q);
  const slowest = quantile(sortedCopy(inputs.encode), 0.5) + rankSide.ms + Math.max(0, tp - 2) * inputs.perPeerMs;
  const highMs = Math.max(lowMs, slowest);
  const n = inputs.stall.length;
  return {
    tp,
    lowMs,
    highMs,
    basis:
      `tp=${inputs.tp} measured (${n} steps${inputs.oversubscribed ? ', oversubscribed' : ''}); ` +
      `low: every rank as fast as the measured one (its stall p50); ` +
      `high: ranks independent, the step waits for the slowest of ${tp - 1} (the ${(q * 100).toFixed(1)}th percentile of the rank side${rankSide.withinBlocks ? "'s spread within blocks, over its median" : ' over all its steps'}) ` +
      `and the sender writes to each peer in turn (+${tp - 2} × ${inputs.perPeerMs.toFixed(3)} ms, ${inputs.perPeerBasis})`,
    basisOversubscribed: inputs.oversubscribed,
  };
}

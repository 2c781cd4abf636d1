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
  /** The slowest rank's transfer per step. */
  transfer: readonly number[];
  /**
   * What one more peer costs the sender when its fan-out is serial, ms: the single-peer transfer p50 less the empty
   * message's (the bytes' share of a trip, not the wake-up every peer pays in parallel); 0 where one write serves every
   * rank (a shared-memory ring).
   */
  perPeerMs: number;
}

/** The stall at a TP size that was not measured directly: a band between two stated models. */
export interface StallBand {
  tp: number;
  /** Every rank as fast as the measured one, receiving in parallel: the measured stall p50 (more ranks never make a step earlier). */
  lowMs: number;
  /** Ranks independent and the sender's fan-out serial: encode p50 + the median of the slowest of tp − 1 rank-side times + (tp − 2) × perPeerMs. */
  highMs: number;
  /** Which run and which models produced the band, in words. */
  basis: string;
  /** True when the run the band comes from was itself oversubscribed: its figures include waiting for a core. */
  basisOversubscribed: boolean;
}

const sortedCopy = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/** What one more peer costs a serial sender: the transfer p50 less the empty message's, or 0 for a transport whose one write serves every rank. */
export function perPeerCost(transport: string, transferMs: readonly number[], emptyTransferMs: number | null): number {
  if (transport === 'shm-ring' || transport === 'none') return 0;
  return Math.max(0, quantile(sortedCopy(transferMs), 0.5) - (emptyTransferMs ?? 0));
}

/** Projects the measured run onto `tp` ranks as a band; at the measured TP both ends are the run's own median. */
export function projectBand(inputs: BandInputs, tp: number): StallBand {
  if (tp <= 1) return { tp, lowMs: 0, highMs: 0, basis: 'no peers: no stall', basisOversubscribed: false };
  const lowMs = quantile(sortedCopy(inputs.stall), 0.5);
  const q = slowestOfQuantile(tp - 1);
  const slowest = quantile(sortedCopy(inputs.encode), 0.5) + quantile(sortedCopy(inputs.rankSide), q) + Math.max(0, tp - 2) * inputs.perPeerMs;
  const highMs = Math.max(lowMs, slowest);
  const n = inputs.stall.length;
  return {
    tp,
    lowMs,
    highMs,
    basis:
      `tp=${inputs.tp} measured (${n} steps${inputs.oversubscribed ? ', oversubscribed' : ''}); ` +
      `low: every rank as fast as the measured one (its stall p50); ` +
      `high: ranks independent, the step waits for the slowest of ${tp - 1} (the ${(q * 100).toFixed(1)}th percentile of the rank side) ` +
      `and the sender writes to each peer in turn (+${tp - 2} × ${inputs.perPeerMs.toFixed(3)} ms)`,
    basisOversubscribed: inputs.oversubscribed,
  };
}

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
  /** Rank 0's encode per step. */
  encode: readonly number[];
  /** Every rank's time from encode done to ready, per step. */
  rankSide: readonly number[];
  /** The slowest rank's transfer per step: what the sender pays again for each extra peer if its fan-out is serial. */
  transfer: readonly number[];
}

/** The stall at a TP size that was not measured directly: a band between two stated models. */
export interface StallBand {
  tp: number;
  /** Ranks receive in parallel: encode p50 + the median of the slowest of tp − 1 rank-side times. */
  lowMs: number;
  /** The sender's fan-out is serial: lowMs + (tp − 2) × the measured single-peer transfer p50. */
  highMs: number;
  /** Which run and which models produced the band, in words. */
  basis: string;
  /** True when the run the band comes from was itself oversubscribed: its figures include waiting for a core. */
  basisOversubscribed: boolean;
}

const sortedCopy = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/** Projects the measured run onto `tp` ranks as a band; at the measured TP the band is the run's own model (low = high at tp 2). */
export function projectBand(inputs: BandInputs, tp: number): StallBand {
  if (tp <= 1) return { tp, lowMs: 0, highMs: 0, basis: 'no peers: no stall', basisOversubscribed: false };
  const encode = quantile(sortedCopy(inputs.encode), 0.5);
  const q = slowestOfQuantile(tp - 1);
  const lowMs = encode + quantile(sortedCopy(inputs.rankSide), q);
  const highMs = lowMs + (tp - 2) * quantile(sortedCopy(inputs.transfer), 0.5);
  const n = inputs.encode.length;
  return {
    tp,
    lowMs,
    highMs,
    basis:
      `tp=${inputs.tp} measured (${n} steps${inputs.oversubscribed ? ', oversubscribed' : ''}); ` +
      `low: encode p50 + the ${(q * 100).toFixed(1)}th percentile of the rank side (median of the slowest of ${tp - 1} ranks); ` +
      `high: low + ${tp - 2} × transfer p50 (serial fan-out)`,
    basisOversubscribed: inputs.oversubscribed,
  };
}

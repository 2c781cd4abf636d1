/** The parts of one step's stall, in ms (p50s), from which any TP size is projected. */
export interface StallParts {
  encodeMs: number;
  /** Encode done → received by the one peer of a tp=2 run (send included). */
  transferMs: number;
  /** What each peer beyond the first adds to the latest rank's arrival (from a tp=3 run minus tp=2). */
  perPeerMs: number;
  decodeMs: number;
  /** The strategy's rank-side work. */
  deriveMs: number;
}

/** Stall on the critical path at a TP size: encode + transfer + (tp − 2) × per-peer + decode + derive; 0 with no peers. */
export function projectStall(parts: StallParts, tp: number): number {
  if (tp <= 1) return 0;
  return parts.encodeMs + parts.transferMs + (tp - 2) * parts.perPeerMs + parts.decodeMs + parts.deriveMs;
}

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

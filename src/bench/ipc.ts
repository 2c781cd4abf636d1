import type { CodecName } from '../codecs/registry.js';
import { createMemcpy } from '../harness/memcpy.js';
import { measureLatencies, type LatencyStats, type TimingBudget } from '../harness/measure.js';
import { runBroadcast, type BroadcastResult } from '../ipc/broadcast.js';
import { generateCtxMeta } from '../payload/generate.js';
import { payloadByteLength } from '../payload/size.js';
import type { PayloadSize } from './sizes.js';

/** One codec at one size broadcast to real rank processes, with the physical floor measured in the same run. */
export interface IpcBenchRow {
  codec: CodecName;
  batch: number;
  seqLen: number;
  tp: number;
  payloadBytes: number;
  result: Omit<BroadcastResult, 'steps'>;
  memcpy: LatencyStats;
  /** memcpy p50 of the payload's bytes + small-message round-trip p50: what a perfect handoff would cost. */
  floorMs: number;
  /** step stall p50 / floorMs. */
  stallVsFloor: number;
}

/** Options of benchIpc. */
export interface IpcBenchOptions {
  codecs: readonly CodecName[];
  sizes: readonly PayloadSize[];
  tp: number;
  steps: number;
  warmup: number;
  /** Three distinct payloads per size cycle through the steps, so no rank sees the same bytes twice in a row. */
  distinctPayloads?: number;
  trace?: (codec: CodecName, size: PayloadSize) => string | undefined;
  onProgress?: (text: string) => void;
  signal?: AbortSignal;
  memcpyBudget?: TimingBudget;
}

/** Broadcasts every codec at every size and measures the memcpy floor beside it. */
export async function benchIpc(options: IpcBenchOptions): Promise<IpcBenchRow[]> {
  const rows: IpcBenchRow[] = [];
  for (const size of options.sizes) {
    const payloads = Array.from({ length: options.distinctPayloads ?? 3 }, (_, i) => ({
      ...generateCtxMeta({ ...size, seed: i + 1 }),
      stepId: i,
    }));
    const payloadBytes = payloadByteLength(payloads[0] ?? generateCtxMeta({ batch: 0, seqLen: 0 }));
    for (const codec of options.codecs) {
      options.onProgress?.(`${codec} at ${size.batch} x ${size.seqLen}, tp=${options.tp}`);
      const trace = options.trace?.(codec, size);
      const full = await runBroadcast({
        codec,
        tp: options.tp,
        steps: options.steps,
        warmup: options.warmup,
        payloads,
        verify: 'sample',
        ...(trace !== undefined ? { trace } : {}),
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      });
      // Step records are dropped: a sweep keeps summaries; traces keep timelines.
      const result: Omit<BroadcastResult, 'steps'> = { ...full };
      delete (result as Partial<BroadcastResult>).steps;
      const memcpy = (await measureLatencies({ memcpy: createMemcpy(payloadBytes) }, options.memcpyBudget ?? { timeMs: 100 })).memcpy as LatencyStats;
      const floorMs = memcpy.p50 + result.roundTrip.p50;
      rows.push({ codec, ...size, tp: options.tp, payloadBytes, result, memcpy, floorMs, stallVsFloor: result.stepStall.p50 / floorMs });
    }
  }
  return rows;
}

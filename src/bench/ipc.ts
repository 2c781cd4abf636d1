import { summarizeMeasurement } from '../broadcast/broadcast.js';
import type { PartName } from '../broadcast/parts.js';
import type { SamplingPlan } from '../broadcast/sampling.js';
import { openRankSession, type AllocationRegime } from '../broadcast/session.js';
import type { ShmBackendKind } from '../codecs/shm-region.js';
import { createMemcpy } from '../harness/memcpy.js';
import { timeOne } from '../harness/measure.js';
import { generateCtxMeta } from '../payload/generate.js';
import { payloadByteLength } from '../payload/size.js';
import { arraySource } from '../payload/stream.js';
import { summarizeSamples, type SampleSummary } from '../stats/summary.js';
import type { TransportName } from '../transport/types.js';
import type { PayloadSize } from './sizes.js';

/** One codec at one size broadcast to real rank processes, with the physical floor measured in the same run. */
export interface IpcBenchRow {
  codec: string;
  batch: number;
  seqLen: number;
  tp: number;
  oversubscribed: boolean;
  transport: TransportName;
  regime: AllocationRegime;
  shmBackend: ShmBackendKind | null;
  payloadBytes: number;
  wireBytes: number;
  stall: SampleSummary;
  parts: Record<PartName, SampleSummary>;
  send: SampleSummary;
  roundTrip: SampleSummary;
  memcpy: SampleSummary;
  /** memcpy p50 of the payload's bytes + small-message round-trip p50: what a perfect handoff would cost. */
  floorMs: number;
  /** stall p50 / floorMs. */
  stallVsFloor: number;
}

/** Options of benchIpc. */
export interface IpcBenchOptions {
  codecs: readonly string[];
  sizes: readonly PayloadSize[];
  tp: number;
  plan: SamplingPlan;
  /** @default 'ipc' */
  transport?: TransportName;
  regime?: AllocationRegime;
  /** Distinct payloads per size sent in turn, so no rank sees the same bytes twice in a row. @default 3 */
  distinctPayloads?: number;
  onProgress?: (text: string) => void;
  signal?: AbortSignal;
}

/** Broadcasts every codec at every size on one set of live ranks and measures the floor beside it. */
export async function benchIpc(options: IpcBenchOptions): Promise<IpcBenchRow[]> {
  const rows: IpcBenchRow[] = [];
  const session = await openRankSession({
    tp: options.tp,
    transport: options.transport ?? 'ipc',
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  try {
    const roundTrip = summarizeSamples(await session.pingRoundTrips(50));
    for (const size of options.sizes) {
      const payloads = Array.from({ length: options.distinctPayloads ?? 3 }, (_, i) => ({ ...generateCtxMeta({ ...size, seed: i + 1 }), stepId: i }));
      const payloadBytes = payloadByteLength(payloads[0] ?? generateCtxMeta({ batch: 0, seqLen: 0 }));
      const memcpy = await timeOne(createMemcpy(payloadBytes), { timeMs: 50, warmupMs: 10 });
      for (const codec of options.codecs) {
        options.onProgress?.(`${codec} at ${size.batch} x ${size.seqLen}, tp=${options.tp}`);
        const m = await session.measure({ codec, strategy: 'full', source: arraySource(payloads), plan: options.plan, regime: options.regime ?? 'reused', verifyEvery: 10 });
        const summary = summarizeMeasurement(m, session.tp);
        const floorMs = memcpy.p50 + roundTrip.p50;
        rows.push({
          codec,
          ...size,
          tp: session.tp,
          oversubscribed: session.oversubscribed,
          transport: session.transport,
          regime: m.regime,
          shmBackend: m.shmBackend,
          payloadBytes,
          wireBytes: summary.wireBytes,
          stall: summary.stepStall,
          parts: summary.parts,
          send: summary.send,
          roundTrip,
          memcpy,
          floorMs,
          stallVsFloor: summary.stepStall.p50 / floorMs,
        });
      }
    }
  } finally {
    await session.close();
  }
  return rows;
}

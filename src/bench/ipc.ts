import { summarizeMeasurement } from '../broadcast/broadcast.js';
import type { PartName } from '../broadcast/parts.js';
import { stepsNeeded, type SamplingPlan } from '../broadcast/sampling.js';
import { measureEmptyStep, openRankSession, stallOf, type AllocationRegime } from '../broadcast/session.js';
import type { ShmBackendKind } from '../shm/region.js';
import { createMemcpy } from '../harness/memcpy.js';
import { CTX_META_KIND } from '../kinds/ctx-meta/kind.js';
import { checkRoundTrip } from '../model/gate.js';
import { timeOne } from '../harness/measure.js';
import { generateCtxMeta } from '../kinds/ctx-meta/generate.js';
import { payloadByteLength } from '../kinds/ctx-meta/old-size.js';
import { withSlotCoverage } from '../kinds/ctx-meta/slots.js';
import { generatedSource } from '../kinds/ctx-meta/source.js';
import { summarizeSamples, type SampleSummary } from '../stats/summary.js';
import { checkShmRingOptionsUse, type ShmRingOptions } from '../transport/shm-ring.js';
import type { WaitPolicy } from '../transport/shm-ring-wait.js';
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
  /** How shm-ring's ends waited; null for ZeroMQ. Absent in results written before it was recorded. */
  waitPolicy?: WaitPolicy | null;
  regime: AllocationRegime;
  shmBackend: ShmBackendKind | null;
  payloadBytes: number;
  wireBytes: number;
  stall: SampleSummary;
  parts: Record<PartName, SampleSummary>;
  send: SampleSummary;
  roundTrip: SampleSummary;
  /** The empty message's stall on the same transport: one trip through the harness with nothing to carry. */
  emptyStep: SampleSummary;
  memcpy: SampleSummary;
  /** memcpy p50 of the payload's bytes + the empty message's stall p50: what a perfect one-copy handoff would cost. */
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
  /** Geometry and wait policy of the shm-ring transport; each row records the policy that ran. */
  shmRing?: ShmRingOptions;
  regime?: AllocationRegime;
  onProgress?: (text: string) => void;
  signal?: AbortSignal;
}

/** Broadcasts every codec at every size on one set of live ranks and measures the floor beside it. */
export async function benchIpc(options: IpcBenchOptions): Promise<IpcBenchRow[]> {
  const rows: IpcBenchRow[] = [];
  checkShmRingOptionsUse(options.shmRing, [options.transport ?? 'ipc']);
  const session = await openRankSession({
    tp: options.tp,
    transport: options.transport ?? 'ipc',
    ...(options.shmRing !== undefined ? { shmRing: options.shmRing } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  try {
    const roundTrip = summarizeSamples(await session.pingRoundTrips(50));
    const emptyStep = summarizeSamples((await measureEmptyStep(session, options.plan)).steps.map(stallOf));
    for (const size of options.sizes) {
      // Consecutive decode steps, long enough that no measured step wraps around: no rank sees the same bytes twice.
      const source = generatedSource({ ...size, steps: stepsNeeded(options.plan), seed: 1, finishRate: 0 });
      const payloadBytes = payloadByteLength(withSlotCoverage(source.open().next().value ?? generateCtxMeta({ batch: 0, seqLen: 0 }), 'full'));
      const memcpy = await timeOne(createMemcpy(payloadBytes), { timeMs: 50, warmupMs: 10 });
      for (const codec of options.codecs) {
        options.onProgress?.(`${codec} at ${size.batch} x ${size.seqLen}, tp=${options.tp}`);
        // Nothing is timed for a codec that loses data: the steps must come back bit for bit first, as in the sweep.
        const gate = await CTX_META_KIND.createCodec(codec, {});
        try {
          checkRoundTrip(CTX_META_KIND, gate, source, 'full');
        } finally {
          gate.dispose?.();
        }
        const m = await session.measure({ codec, strategy: 'full', source, plan: options.plan, regime: options.regime ?? 'reused', verifyEvery: 10 });
        const summary = summarizeMeasurement(m, session.tp);
        const floorMs = memcpy.p50 + emptyStep.p50;
        rows.push({
          codec,
          ...size,
          tp: session.tp,
          oversubscribed: session.oversubscribed,
          transport: session.transport,
          waitPolicy: session.waitPolicy,
          regime: m.regime,
          shmBackend: m.shmBackend,
          payloadBytes,
          wireBytes: summary.wireBytes,
          stall: summary.stepStall,
          parts: summary.parts,
          send: summary.send,
          roundTrip,
          emptyStep,
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

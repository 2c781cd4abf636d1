import { asColumnar, encodeWith, inFormOf } from '../codecs/form.js';
import { createFramePool, FRESH_ALLOCATOR } from '../codecs/frame-pool.js';
import type { Codec } from '../codecs/types.js';
import { cursorOf, runSampling, type SamplingPlan } from '../broadcast/sampling.js';
import { regimeFor, shmBackendOf, stallOf, type AllocationRegime, type Measurement, type StepRecord } from '../broadcast/session.js';
import { BroadcastAbortedError } from '../broadcast/errors.js';
import { nowNs } from '../broadcast/protocol.js';
import { fingerprint } from '../payload/fingerprint.js';
import { payloadByteLength } from '../payload/size.js';
import type { StepSource } from '../payload/stream.js';
import type { CtxMeta } from '../payload/types.js';
import { DecodeError } from '../errors.js';
import { createRankSide, createSchedulerSide, stepView } from '../strategies/strategies.js';
import type { StrategyName } from '../strategies/types.js';

const minorFaults = (): number => process.resourceUsage().minorPageFault;

/**
 * Runs the steps with no transport: encode, then decode, convert and derive in this same process, one step after the
 * other, sampled like a broadcast. Rank 1's stamps are this process's, and transfer is zero.
 */
export async function measureInProcess(run: {
  codec: Codec;
  strategy: StrategyName;
  source: StepSource;
  regime: AllocationRegime;
  plan: SamplingPlan;
  verifyEvery: number;
  signal?: AbortSignal;
}): Promise<Measurement> {
  const { codec } = run;
  const regime = regimeFor(codec, run.regime);
  const pool = createFramePool();
  const scheduler = createSchedulerSide(run.strategy);
  const side = createRankSide(run.strategy);
  let index = 0;
  const runStep = async ({ payload, restart }: { payload: CtxMeta; restart: boolean }): Promise<StepRecord> => {
    const step = index++;
    const wire = scheduler.wire(payload, restart);
    const input = inFormOf(codec, wire);
    if (restart) side.reset();
    const lease = regime === 'reused' ? pool.lease() : null;
    const faultsBefore = minorFaults();
    const startNs = nowNs();
    const frames = encodeWith(codec, input, lease ?? FRESH_ALLOCATOR);
    const encodedNs = nowNs();
    const decoded = codec.decode(frames);
    const decodedNs = nowNs();
    const columnar = asColumnar(codec, decoded);
    const convertedNs = nowNs();
    const view = side.apply(columnar);
    const readyNs = nowNs();
    const pageFaults = minorFaults() - faultsBefore;
    const verified = run.verifyEvery > 0 && step % run.verifyEvery === 0 ? fingerprint(view) === fingerprint(stepView(payload)) : null;
    if (verified === false) throw new DecodeError(codec.name, `step ${step} rebuilt a payload that differs from the one encoded`);
    if ('release' in codec && typeof codec.release === 'function') codec.release();
    lease?.release();
    // Yields to the event loop between steps, so a long in-process run still answers an AbortSignal.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (run.signal?.aborted === true) throw new BroadcastAbortedError(String(run.signal.reason ?? 'aborted'));
    return {
      step,
      restart,
      startNs,
      encodedNs,
      sentNs: encodedNs,
      frames: frames.length,
      wireBytes: frames.reduce((sum, f) => sum + f.byteLength, 0),
      payloadBytes: payloadByteLength(wire),
      pageFaults,
      ranks: [{ rank: 1, receivedNs: encodedNs, decodedNs, convertedNs, readyNs, pageFaults: 0, verified }],
    };
  };
  const outcome = await runSampling(run.plan, cursorOf(run.source), runStep, stallOf);
  return {
    codec: codec.name,
    strategy: run.strategy,
    regime,
    shmBackend: shmBackendOf(codec),
    ...outcome,
    rejectedFrames: 0,
  };
}

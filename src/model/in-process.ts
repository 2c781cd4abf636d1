import { gcWindow } from '../harness/gc-time.js';
import { readCounters } from '../harness/run-queue.js';
import { createFramePool, FRESH_ALLOCATOR } from '../codecs/frame-pool.js';
import type { Codec } from '../codecs/types.js';
import { cursorOf, samplingDriver } from '../broadcast/sampling.js';
import { regimeFor, shmBackendOf, stallOf, type ActiveRun, type AllocationRegime, type StepRecord } from '../broadcast/session.js';
import { BroadcastAbortedError } from '../broadcast/errors.js';
import { nowNs } from '../broadcast/protocol.js';
import { CTX_META_KIND } from '../kinds/ctx-meta/kind.js';
import { encodeWith, inFormOf, toColumnar } from '../kinds/form.js';
import type { MessageKind, StepSource } from '../kinds/types.js';
import { messageFingerprint } from '../message/fingerprint.js';
import { messageByteLength } from '../message/size.js';
import type { MessageRecord } from '../message/types.js';
import { DecodeError } from '../errors.js';
import type { StrategyName } from '../kinds/strategy.js';

/**
 * Starts a run with no transport: encode, then decode, convert and derive in this same process, one step after the
 * other, sampled like a broadcast. Rank 1's stamps are this process's, and transfer is zero.
 */
export function startInProcess(run: {
  codec: Codec;
  kind?: MessageKind;
  strategy: StrategyName;
  source: StepSource;
  regime: AllocationRegime;
  verifyEvery: number;
  signal?: AbortSignal;
}): ActiveRun {
  const { codec } = run;
  const kind = run.kind ?? (CTX_META_KIND as unknown as MessageKind);
  const regime = regimeFor(codec, run.regime);
  const pool = createFramePool();
  const scheduler = kind.schedulerSide(run.strategy);
  const side = kind.rankSide(run.strategy);
  let index = 0;
  const gc = gcWindow();
  const runStep = async ({ payload, restart }: { payload: MessageRecord; restart: boolean }): Promise<StepRecord> => {
    const step = index++;
    const wire = scheduler.wire(payload, restart);
    const input = inFormOf(kind, codec, wire);
    if (restart) side.reset();
    const lease = regime === 'reused' ? pool.lease() : null;
    gc.take();
    const before = readCounters();
    const startNs = nowNs();
    const frames = encodeWith(codec, input, lease ?? FRESH_ALLOCATOR);
    const encodedNs = nowNs();
    const decoded = codec.decode(frames);
    const decodedNs = nowNs();
    const columnar = toColumnar(kind, codec, decoded);
    const convertedNs = nowNs();
    const view = side.apply(columnar);
    const readyNs = nowNs();
    const after = readCounters();
    const gcMs = gc.take();
    const pageFaults = after.faults - before.faults;
    const verified = run.verifyEvery > 0 && step % run.verifyEvery === 0 ? messageFingerprint(side.payloadOf(view)) === messageFingerprint(kind.view(payload)) : null;
    if (verified === false) throw new DecodeError(codec.name, `step ${step} rebuilt a payload that differs from the one encoded`);
    codec.release?.();
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
      payloadBytes: messageByteLength(wire),
      pageFaults,
      // One process does every part: its preemptions and GC are the scheduler's, and the rank has none of its own.
      involuntary: after.involuntary - before.involuntary,
      gcMs,
      runQueueUs: after.runQueueUs - before.runQueueUs,
      ranks: [{ rank: 1, receivedNs: encodedNs, decodedNs, convertedNs, readyNs, pageFaults: 0, involuntary: 0, gcMs: 0, runQueueUs: 0, verified }],
    };
  };
  const cursor = cursorOf(run.source);
  const driver = samplingDriver(cursor, runStep, stallOf);
  return {
    codec: codec.name,
    strategy: run.strategy,
    form: codec.form,
    regime,
    shmBackend: shmBackendOf(codec),
    rejectedFrames: 0,
    warmUp: (plan) => driver.warmUp(plan),
    // Nothing to configure: one process holds the codec throughout.
    activate: () => Promise.resolve(),
    block: (options) => driver.block(options),
    rewind: () => cursor.rewind(),
    // The codec is the caller's; a pool dropped here is made again on the next step.
    suspend: () => undefined,
  };
}

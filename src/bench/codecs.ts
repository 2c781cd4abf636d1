import { StallbenchError } from '../errors.js';
import { decodeToColumnar, encodeWith, inFormOf } from '../kinds/form.js';
import { CTX_META_KIND } from '../kinds/ctx-meta/kind.js';
import type { MessageKind } from '../kinds/types.js';
import { diffMessages } from '../message/equal.js';
import { messageByteLength } from '../message/size.js';
import { createFramePool, FRESH_ALLOCATOR } from '../codecs/frame-pool.js';
import type { Codec } from '../codecs/types.js';
import type { AllocationRegime } from '../broadcast/session.js';
import { bytesAllocatedBy } from '../harness/memory.js';
import { createFreshCopy, createMemcpy } from '../harness/memcpy.js';
import { measureLatencies, type TimingBudget } from '../harness/measure.js';
import type { CtxMeta } from '../kinds/ctx-meta/types.js';
import { validateCtxMeta } from '../kinds/ctx-meta/validate.js';
import type { SampleSummary } from '../stats/summary.js';

/** One codec at one payload size in one allocation regime: wire size, timings, allocation and distance from its floor. */
export interface CodecBenchRow {
  codec: string;
  form: Codec['form'];
  /** 'reused': encode into a pooled buffer recycled after each message; 'fresh': new memory per message. */
  regime: AllocationRegime;
  /** 'library' when the codec's library allocates its own output: then only the fresh regime exists. */
  allocation: 'caller' | 'library';
  batch: number;
  seqLen: number;
  slots: number;
  /** Bytes of the payload's content (arrays + request ids): what the floors copy. */
  payloadBytes: number;
  /** Bytes on the wire, all frames together. */
  wireBytes: number;
  frames: number;
  encode: SampleSummary;
  decode: SampleSummary;
  /** The regime's floor in the same run: a hot memcpy (reused) or a fresh allocUnsafeSlow plus the copy (fresh). */
  encodeFloor: SampleSummary;
  /** A hot memcpy of the same bytes: what a decode that copies once costs at least. */
  memcpy: SampleSummary;
  /** Null where the codec allocates outside Node's accounting and the figure would be a lie. */
  encodeAllocBytes: number | null;
  decodeAllocBytes: number;
  /** Mean minor page faults per encode, over 20 warm calls outside the timing. */
  encodePageFaults: number;
  /** encode p50 / the regime's floor p50. */
  encodeVsFloor: number;
  /** decode p50 / hot memcpy p50. */
  decodeVsMemcpy: number;
}

/** Thrown when a codec fails its round trip before timing: nothing is timed for it. */
export class RoundTripError extends StallbenchError {
  readonly cliExitCode = 1;
  override readonly name = 'RoundTripError';
  constructor(
    readonly codec: string,
    readonly difference: string,
  ) {
    super(`${codec} does not round-trip: ${difference}`);
  }
}

const KIND = CTX_META_KIND as unknown as MessageKind;

function verifyRoundTrip(codec: Codec, payload: CtxMeta, frames: readonly Uint8Array[]): void {
  const decoded = validateCtxMeta(decodeToColumnar(KIND, codec, frames) as CtxMeta);
  const difference = diffMessages(payload, decoded);
  if (difference !== null) throw new RoundTripError(codec.name, difference);
}

const minorFaults = (): number => process.resourceUsage().minorPageFault;

/** Times one codec on one payload in each regime it supports: verifies the round trip, then encode, decode and the floors. */
export async function benchCodec(codec: Codec, payload: CtxMeta, label: { batch: number; seqLen: number }, budget: TimingBudget): Promise<CodecBenchRow[]> {
  const input = inFormOf(KIND, codec, payload);
  verifyRoundTrip(codec, payload, encodeWith(codec, input));
  const payloadBytes = messageByteLength(payload);
  const allocation = codec.allocation ?? 'library';
  // A codec that recycles memory of its own (the shm ring) has one regime; a library that allocates has the other.
  const regimes: AllocationRegime[] = codec.ownsBuffers === true ? ['reused'] : allocation === 'caller' ? ['reused', 'fresh'] : ['fresh'];
  const pool = createFramePool();
  const rows: CodecBenchRow[] = [];
  for (const regime of regimes) {
    // A lease released right after the encode stands for every rank having the message.
    const encode =
      regime === 'reused'
        ? () => {
            const lease = pool.lease();
            const frames = encodeWith(codec, input, lease);
            lease.release();
            return frames;
          }
        : () => encodeWith(codec, input, FRESH_ALLOCATOR);
    const floor = regime === 'reused' ? createMemcpy(payloadBytes) : createFreshCopy(payloadBytes);
    const timed = await measureLatencies({ encode, floor }, budget);
    // Encoded again after timing, into fresh memory: ring codecs (shm) have reused the first frame's slot by now.
    const frames = encodeWith(codec, input, FRESH_ALLOCATOR);
    verifyRoundTrip(codec, payload, frames);
    const decodeTimed = await measureLatencies({ decode: () => codec.decode(frames), memcpy: createMemcpy(payloadBytes) }, budget);
    const encodeStats = timed.encode;
    const floorStats = timed.floor;
    const decodeStats = decodeTimed.decode;
    const memcpyStats = decodeTimed.memcpy;
    if (encodeStats === undefined || floorStats === undefined || decodeStats === undefined || memcpyStats === undefined) throw new Error('benchmark task missing');
    // Decode's allocation is read first, right after its own encode: a ring codec (shm) recycles a slot after a few
    // more encodes, and the encode measurements below make more than that.
    const freshFrames = encodeWith(codec, input, FRESH_ALLOCATOR);
    const decodeAllocBytes = bytesAllocatedBy(() => codec.decode(freshFrames));
    const encodeAllocBytes = codec.encodeAllocatesOutsideNode === true ? null : bytesAllocatedBy(encode);
    const encodePageFaults = faultsPerCall(encode, 20);
    rows.push({
      codec: codec.name,
      form: codec.form,
      regime,
      allocation,
      batch: label.batch,
      seqLen: label.seqLen,
      slots: payload.slotMapping.length,
      payloadBytes,
      wireBytes: frames.reduce((sum, f) => sum + f.byteLength, 0),
      frames: frames.length,
      encode: encodeStats.summary,
      decode: decodeStats.summary,
      encodeFloor: floorStats.summary,
      memcpy: memcpyStats.summary,
      encodeAllocBytes,
      decodeAllocBytes,
      encodePageFaults,
      encodeVsFloor: encodeStats.summary.p50 / floorStats.summary.p50,
      decodeVsMemcpy: decodeStats.summary.p50 / memcpyStats.summary.p50,
    });
  }
  return rows;
}

/** Mean minor page faults per call of `fn`, over `calls` warm calls. */
function faultsPerCall(fn: () => unknown, calls: number): number {
  let last: unknown = null;
  const before = minorFaults();
  // One message in flight at a time, as in the broadcast: each result is dropped when the next is made.
  for (let i = 0; i < calls; i++) last = fn();
  void last;
  return (minorFaults() - before) / calls;
}

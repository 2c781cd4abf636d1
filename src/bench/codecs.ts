import { decodeToColumnar, encodeWith, inFormOf } from '../codecs/form.js';
import type { Codec } from '../codecs/types.js';
import { bytesAllocatedBy } from '../harness/memory.js';
import { createMemcpy } from '../harness/memcpy.js';
import { measureLatencies, type LatencyStats, type TimingBudget } from '../harness/measure.js';
import { diffCtxMeta } from '../payload/equal.js';
import { payloadByteLength } from '../payload/size.js';
import type { CtxMeta } from '../payload/types.js';
import { validateCtxMeta } from '../payload/validate.js';

/** One codec at one payload size: wire size, timings, allocation and distance from memcpy. */
export interface CodecBenchRow {
  codec: string;
  form: Codec['form'];
  batch: number;
  seqLen: number;
  slots: number;
  /** Bytes of the payload's content (arrays + request ids): the memcpy reference size. */
  payloadBytes: number;
  /** Bytes on the wire, all frames together. */
  wireBytes: number;
  frames: number;
  encode: LatencyStats;
  decode: LatencyStats;
  memcpy: LatencyStats;
  /** Null where the codec allocates outside Node's accounting and the figure would be a lie. */
  encodeAllocBytes: number | null;
  decodeAllocBytes: number;
  /** encode p50 / memcpy p50 of payloadBytes in the same run. */
  encodeVsMemcpy: number;
  decodeVsMemcpy: number;
}

/** Thrown when a codec fails its round trip before timing: nothing is timed for it. */
export class RoundTripError extends Error {
  override readonly name = 'RoundTripError';
  constructor(
    readonly codec: string,
    readonly difference: string,
  ) {
    super(`${codec} does not round-trip: ${difference}`);
  }
}

function verifyRoundTrip(codec: Codec, payload: CtxMeta, frames: readonly Uint8Array[]): void {
  const decoded = validateCtxMeta(decodeToColumnar(codec, frames));
  const difference = diffCtxMeta(payload, decoded);
  if (difference !== null) throw new RoundTripError(codec.name, difference);
}

/** Times one codec on one payload: verifies the round trip, then encode, decode and a same-size memcpy. */
export async function benchCodec(
  codec: Codec,
  payload: CtxMeta,
  label: { batch: number; seqLen: number },
  budget: TimingBudget,
): Promise<CodecBenchRow> {
  const input = inFormOf(codec, payload);
  verifyRoundTrip(codec, payload, encodeWith(codec, input));
  const payloadBytes = payloadByteLength(payload);
  const memcpy = createMemcpy(payloadBytes);
  const timedEncode = await measureLatencies({ encode: () => encodeWith(codec, input), memcpy }, budget);
  // Encoded again after timing: ring codecs (shm) have reused the first frame's slot by now.
  const frames = encodeWith(codec, input);
  verifyRoundTrip(codec, payload, frames);
  const timedDecode = await measureLatencies({ decode: () => codec.decode(frames) }, budget);
  const encode = timedEncode.encode as LatencyStats;
  const decode = timedDecode.decode as LatencyStats;
  const memcpyStats = timedEncode.memcpy as LatencyStats;
  const encodeAllocBytes = codec.encodeAllocatesOutsideNode === true ? null : bytesAllocatedBy(() => encodeWith(codec, input));
  const freshFrames = encodeWith(codec, input);
  const decodeAllocBytes = bytesAllocatedBy(() => codec.decode(freshFrames));
  return {
    codec: codec.name,
    form: codec.form,
    batch: label.batch,
    seqLen: label.seqLen,
    slots: payload.slotMapping.length,
    payloadBytes,
    wireBytes: frames.reduce((sum, f) => sum + f.byteLength, 0),
    frames: frames.length,
    encode,
    decode,
    memcpy: memcpyStats,
    encodeAllocBytes,
    decodeAllocBytes,
    encodeVsMemcpy: encode.p50 / memcpyStats.p50,
    decodeVsMemcpy: decode.p50 / memcpyStats.p50,
  };
}

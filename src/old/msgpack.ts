import { Packr, Unpackr } from 'msgpackr';
import { DecodeError } from '../errors.js';
import { encodedByteBound } from '../kinds/ctx-meta/old-size.js';
import { ARRAY_FIELDS, FIELD_DTYPE, type BoxedCtxMeta, type CtxMeta } from '../kinds/ctx-meta/types.js';
import { bytesOf, copyInto, decodeGuard, singleFrame } from '../codecs/frames.js';
import { encodeIntoTarget } from '../codecs/encode-target.js';
import { FRESH_ALLOCATOR } from '../codecs/frame-pool.js';
import type { BoxedCodec, ColumnarCodec } from '../codecs/types.js';

// Plain maps, no msgpackr records or typed-array extensions: any MessagePack library can read the frames.
const STANDARD_OPTIONS = { useRecords: false, moreTypes: false, mapsAsObjects: true } as const;

/** A map whose array fields are bin strings of little-endian bytes, as vLLM sends numpy buffers. */
type WireColumnar = Omit<CtxMeta, (typeof ARRAY_FIELDS)[number]> & Record<(typeof ARRAY_FIELDS)[number], Uint8Array>;

function toWire(payload: CtxMeta): WireColumnar {
  const wire: Record<string, unknown> = { stepId: payload.stepId, blockSize: payload.blockSize, reqIds: payload.reqIds };
  for (const field of ARRAY_FIELDS) wire[field] = bytesOf(payload[field]);
  return wire as WireColumnar;
}

/** Rebuilds a columnar payload from a decoded wire map whose arrays are byte strings. */
function fromByteFields(codec: string, decoded: unknown): CtxMeta {
  if (typeof decoded !== 'object' || decoded === null) throw new DecodeError(codec, 'top level is not a map');
  const wire = decoded as Record<string, unknown>;
  if (typeof wire.stepId !== 'number' || typeof wire.blockSize !== 'number') {
    throw new DecodeError(codec, 'stepId or blockSize missing');
  }
  if (!Array.isArray(wire.reqIds)) throw new DecodeError(codec, 'reqIds is not a list');
  const payload: Record<string, unknown> = { stepId: wire.stepId, blockSize: wire.blockSize, reqIds: wire.reqIds };
  for (const field of ARRAY_FIELDS) {
    const ctor = FIELD_DTYPE[field] === 'int32' ? Int32Array : Float32Array;
    payload[field] = copyInto(codec, field, ctor, wire[field]);
  }
  return payload as unknown as CtxMeta;
}

/** MessagePack of the columnar payload: arrays as bin strings, packed into one buffer sized up front; decode copies each array once. */
export function createMsgpackCodec(): ColumnarCodec {
  const name = 'msgpack';
  const packr = new Packr(STANDARD_OPTIONS);
  const unpackr = new Unpackr(STANDARD_OPTIONS);
  return {
    name,
    form: 'columnar',
    description: 'MessagePack map, arrays as bin (LE bytes); writes into one buffer sized up front; decode copies arrays once',
    allocation: 'caller',
    // The allocator's bytes are unzeroed: the encoder writes every byte it returns.
    encode: (payload, allocator = FRESH_ALLOCATOR) => [encodeIntoTarget(packr, allocator.allocate(encodedByteBound(payload)), () => packr.pack(toWire(payload)))],
    decode: (frames) => decodeGuard(name, () => fromByteFields(name, unpackr.unpack(singleFrame(name, frames)))),
  };
}

/** MessagePack of the boxed payload: every slot a separate msgpack integer, as msgpack-python sends lists. */
export function createMsgpackBoxedCodec(): BoxedCodec {
  const name = 'msgpack-boxed';
  const packr = new Packr(STANDARD_OPTIONS);
  const unpackr = new Unpackr(STANDARD_OPTIONS);
  return {
    name,
    form: 'boxed',
    description: 'MessagePack of per-request maps with integer lists; decode builds JS arrays',
    // msgpackr moves past each result before the next pack, so returned views stay intact.
    encode: (payload) => [packr.pack(payload)],
    decode: (frames) => decodeGuard(name, () => unpackr.unpack(singleFrame(name, frames)) as BoxedCtxMeta),
  };
}

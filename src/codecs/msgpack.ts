import type { BoxedMessageRecord } from '../message/types.js';
import { Packr, Unpackr } from 'msgpackr';
import { decodeGuard, singleFrame } from './frames.js';
import { encodeIntoTarget } from './encode-target.js';
import { FRESH_ALLOCATOR } from './frame-pool.js';
import { messageByteBound } from '../message/size.js';
import { checkColumnar } from './check.js';
import type { BoxedCodec, ColumnarCodec } from './types.js';

/**
 * MessagePack ext type that carries a typed array: msgpackr's own typed-array extension (moreTypes), type
 * 0x74 ('t'), payload = one byte naming the array kind (msgpackr's index: 0 int8, 1 uint8, 3 int16, 4 uint16,
 * 5 int32, 6 uint32, 7 float32, 8 float64) followed by the elements' little-endian bytes. Python reads it
 * as msgpack.ExtType(116, data): np.frombuffer(data[1:], '<i4') for code 5, and so on.
 */
export const TYPED_ARRAY_EXT = 0x74;

/** msgpackr's kind byte of each dtype inside a TYPED_ARRAY_EXT payload. */
export const TYPED_ARRAY_EXT_KIND = { int8: 0, uint8: 1, int16: 3, uint16: 4, int32: 5, uint32: 6, float32: 7, float64: 8 } as const;

const COLUMNAR_OPTIONS = { useRecords: false, moreTypes: true, mapsAsObjects: true } as const;
// Plain maps and lists, no msgpackr records or extensions: any MessagePack library reads the frames.
const BOXED_OPTIONS = { useRecords: false, moreTypes: false, mapsAsObjects: true } as const;

/** MessagePack of the columnar message: typed arrays as ext 0x74 (kind byte + little-endian bytes), packed into one buffer sized up front; decode copies each array once. */
export function createMsgpackCodec(): ColumnarCodec {
  const name = 'msgpack';
  const packr = new Packr(COLUMNAR_OPTIONS);
  const unpackr = new Unpackr(COLUMNAR_OPTIONS);
  return {
    name,
    form: 'columnar',
    description: 'MessagePack map, typed arrays as ext 0x74 (kind byte + LE bytes); one exact-size buffer per encode; decode copies arrays once',
    allocation: 'caller',
    encode: (message, allocator = FRESH_ALLOCATOR) => [encodeIntoTarget(packr, allocator.allocate(messageByteBound(message)), () => packr.pack(message))],
    decode: (frames) => decodeGuard(name, () => checkColumnar(name, unpackr.unpack(singleFrame(name, frames)))),
  };
}

/** MessagePack of the boxed message: every array element a separate msgpack number, as msgpack-python sends lists. */
export function createMsgpackBoxedCodec(): BoxedCodec {
  const name = 'msgpack-boxed';
  const packr = new Packr(BOXED_OPTIONS);
  const unpackr = new Unpackr(BOXED_OPTIONS);
  return {
    name,
    form: 'boxed',
    description: 'MessagePack of the boxed message, numbers one by one; decode builds JS arrays',
    // msgpackr moves past each result before the next pack, so returned views stay intact.
    encode: (message) => [packr.pack(message)],
    decode: (frames) => decodeGuard(name, () => unpackr.unpack(singleFrame(name, frames)) as BoxedMessageRecord),
  };
}

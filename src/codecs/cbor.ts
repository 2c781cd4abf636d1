import type { BoxedMessageRecord } from '../message/types.js';
import { Decoder, Encoder } from 'cbor-x';
import { decodeGuard, singleFrame } from './frames.js';
import { encodeIntoTarget, type BufferedEncoder } from './encode-target.js';
import { FRESH_ALLOCATOR } from './frame-pool.js';
import { messageByteBound } from '../message/size.js';
import { checkColumnar } from './check.js';
import type { BoxedCodec, ColumnarCodec } from './types.js';

// Plain maps without cbor-x records or shared structures, so any CBOR decoder reads the frames.
const STANDARD_OPTIONS = { useRecords: false, mapsAsObjects: true, pack: false } as const;

/** CBOR of the columnar message: typed arrays as RFC 8746 typed-array tags (64 uint8, 72 int8, 69 uint16 LE, 77 int16 LE, 70 uint32 LE, 78 int32 LE, 85 float32 LE, 86 float64 LE); decode copies each array once. */
export function createCborCodec(): ColumnarCodec {
  const name = 'cbor';
  // cbor-x has useBuffer at runtime (encode.js) but leaves it out of its typings.
  const encoder = new Encoder(STANDARD_OPTIONS) as Encoder & BufferedEncoder;
  // copyBuffers: typed arrays own their memory whatever the alignment.
  const decoder = new Decoder({ ...STANDARD_OPTIONS, copyBuffers: true });
  return {
    name,
    form: 'columnar',
    description: 'CBOR map, typed arrays as RFC 8746 typed-array tags; one exact-size buffer per encode; decode copies arrays once',
    allocation: 'caller',
    encode: (message, allocator = FRESH_ALLOCATOR) => [encodeIntoTarget(encoder, allocator.allocate(messageByteBound(message)), () => encoder.encode(message))],
    decode: (frames) => decodeGuard(name, () => checkColumnar(name, decoder.decode(singleFrame(name, frames)))),
  };
}

/** CBOR of the boxed message: every array element a separate CBOR number. */
export function createCborBoxedCodec(): BoxedCodec {
  const name = 'cbor-boxed';
  const encoder = new Encoder(STANDARD_OPTIONS);
  const decoder = new Decoder(STANDARD_OPTIONS);
  return {
    name,
    form: 'boxed',
    description: 'CBOR of the boxed message, numbers one by one; decode builds JS arrays',
    encode: (message) => [encoder.encode(message)],
    decode: (frames) => decodeGuard(name, () => decoder.decode(singleFrame(name, frames)) as BoxedMessageRecord),
  };
}

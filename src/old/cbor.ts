import { Decoder, Encoder } from 'cbor-x';
import { encodedByteBound } from '../kinds/ctx-meta/old-size.js';
import type { BoxedCtxMeta } from '../kinds/ctx-meta/types.js';
import { decodeGuard, singleFrame } from '../codecs/frames.js';
import { checkTypedFields } from './typed-fields.js';
import { encodeIntoTarget, type BufferedEncoder } from '../codecs/encode-target.js';
import { FRESH_ALLOCATOR } from '../codecs/frame-pool.js';
import type { BoxedCodec, ColumnarCodec } from '../codecs/types.js';

// Plain maps without cbor-x records or shared structures, so any CBOR decoder reads the frames.
const STANDARD_OPTIONS = { useRecords: false, mapsAsObjects: true, pack: false } as const;

/** CBOR of the columnar payload: arrays as RFC 8746 typed-array tags (int32/float32 little-endian); decode copies each array once. */
export function createCborCodec(): ColumnarCodec {
  const name = 'cbor';
  // cbor-x has useBuffer at runtime (encode.js) but leaves it out of its typings.
  const encoder = new Encoder(STANDARD_OPTIONS) as Encoder & BufferedEncoder;
  // copyBuffers: typed arrays own their memory whatever the alignment, so decode cost does not depend on the header size.
  const decoder = new Decoder({ ...STANDARD_OPTIONS, copyBuffers: true });
  return {
    name,
    form: 'columnar',
    description: 'CBOR map, arrays as RFC 8746 typed-array tags; writes into one buffer sized up front; decode copies arrays once',
    allocation: 'caller',
    // The allocator's bytes are unzeroed: the encoder writes every byte it returns.
    encode: (payload, allocator = FRESH_ALLOCATOR) => [encodeIntoTarget(encoder, allocator.allocate(encodedByteBound(payload)), () => encoder.encode(payload))],
    decode: (frames) => decodeGuard(name, () => checkTypedFields(name, decoder.decode(singleFrame(name, frames)))),
  };
}

/** CBOR of the boxed payload: every slot a separate CBOR integer. */
export function createCborBoxedCodec(): BoxedCodec {
  const name = 'cbor-boxed';
  const encoder = new Encoder(STANDARD_OPTIONS);
  const decoder = new Decoder(STANDARD_OPTIONS);
  return {
    name,
    form: 'boxed',
    description: 'CBOR of per-request maps with integer lists; decode builds JS arrays',
    encode: (payload) => [encoder.encode(payload)],
    decode: (frames) => decodeGuard(name, () => decoder.decode(singleFrame(name, frames)) as BoxedCtxMeta),
  };
}

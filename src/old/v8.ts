import { deserialize, serialize } from 'node:v8';
import type { BoxedCtxMeta } from '../kinds/ctx-meta/types.js';
import { decodeGuard, singleFrame } from '../codecs/frames.js';
import { checkTypedFields } from './typed-fields.js';
import type { BoxedCodec, ColumnarCodec } from '../codecs/types.js';

/** node:v8 structured clone of the columnar payload: typed arrays go as raw bytes, the JS analogue of pickle protocol 5. */
export function createV8Codec(): ColumnarCodec {
  const name = 'v8';
  return {
    name,
    form: 'columnar',
    encodeAllocatesOutsideNode: true,
    description: 'v8.serialize of the columnar payload (typed arrays as host objects); decode views aligned arrays, copies others',
    encode: (payload) => [serialize(payload)],
    decode: (frames) => decodeGuard(name, () => checkTypedFields(name, deserialize(singleFrame(name, frames)))),
  };
}

/** node:v8 structured clone of the boxed payload: the closest JS has to pickling Python lists. */
export function createV8BoxedCodec(): BoxedCodec {
  const name = 'v8-boxed';
  return {
    name,
    form: 'boxed',
    encodeAllocatesOutsideNode: true,
    description: 'v8.serialize of per-request objects with number lists',
    encode: (payload) => [serialize(payload)],
    decode: (frames) => decodeGuard(name, () => deserialize(singleFrame(name, frames)) as BoxedCtxMeta),
  };
}

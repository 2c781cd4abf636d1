import type { BoxedMessageRecord } from '../message/types.js';
import { deserialize, serialize } from 'node:v8';
import { decodeGuard, singleFrame } from './frames.js';
import { checkColumnar } from './check.js';
import type { BoxedCodec, ColumnarCodec } from './types.js';

/** node:v8 structured clone of the columnar message: typed arrays go as raw bytes, the JS analogue of pickle protocol 5. */
export function createV8Codec(): ColumnarCodec {
  const name = 'v8';
  return {
    name,
    form: 'columnar',
    encodeAllocatesOutsideNode: true,
    description: 'v8.serialize of the columnar message (typed arrays as host objects); decode views aligned arrays, copies others',
    encode: (message) => [serialize(message)],
    decode: (frames) => decodeGuard(name, () => checkColumnar(name, deserialize(singleFrame(name, frames)))),
  };
}

/** node:v8 structured clone of the boxed message: the closest JS has to pickling Python lists. */
export function createV8BoxedCodec(): BoxedCodec {
  const name = 'v8-boxed';
  return {
    name,
    form: 'boxed',
    encodeAllocatesOutsideNode: true,
    description: 'v8.serialize of the boxed message with number lists',
    encode: (message) => [serialize(message)],
    decode: (frames) => decodeGuard(name, () => deserialize(singleFrame(name, frames)) as BoxedMessageRecord),
  };
}

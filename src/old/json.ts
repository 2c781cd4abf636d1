import type { BoxedCtxMeta } from '../kinds/ctx-meta/types.js';
import { decodeGuard, singleFrame } from '../codecs/frames.js';
import type { BoxedCodec } from '../codecs/types.js';

/** JSON text of the boxed payload, UTF-8, one frame; the baseline most hand-rolled engines start from. */
export function createJsonCodec(): BoxedCodec {
  const name = 'json';
  // fatal: invalid UTF-8 must fail loudly rather than turn into U+FFFD.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return {
    name,
    form: 'boxed',
    description: 'JSON.stringify of the boxed payload; decode parses every number',
    encode: (payload) => [Buffer.from(JSON.stringify(payload), 'utf8')],
    decode: (frames) => decodeGuard(name, () => JSON.parse(decoder.decode(singleFrame(name, frames))) as BoxedCtxMeta),
  };
}

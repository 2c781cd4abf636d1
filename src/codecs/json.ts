import type { BoxedMessageRecord } from '../message/types.js';
import { decodeGuard, singleFrame } from './frames.js';
import { parsePythonJson, stringifyPythonJson } from '../message/json-text.js';
import type { BoxedCodec } from './types.js';

/** JSON text of the boxed message, as Python's json module writes it (NaN, Infinity, -0.0 kept), UTF-8, one frame. */
export function createJsonCodec(): BoxedCodec {
  const name = 'json';
  // fatal: invalid UTF-8 must fail loudly rather than turn into U+FFFD.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return {
    name,
    form: 'boxed',
    description: 'JSON text of the boxed message (NaN, Infinity, -0.0 as Python writes them); decode parses every number',
    encode: (message) => [Buffer.from(stringifyPythonJson(message), 'utf8')],
    decode: (frames) => decodeGuard(name, () => parsePythonJson(decoder.decode(singleFrame(name, frames))) as BoxedMessageRecord),
  };
}

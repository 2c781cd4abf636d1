import { OptionsError } from '../errors.js';
import { createCborBoxedCodec, createCborCodec } from './cbor.js';
import { createFlatbuffersCodec } from '../kinds/ctx-meta/flatbuffers.js';
import { createJsonCodec } from './json.js';
import { createMsgpackBoxedCodec, createMsgpackCodec } from './msgpack.js';
import { createProtobufCodec } from '../kinds/ctx-meta/protobuf.js';
import { createShmCodec } from './shm.js';
import type { Codec } from '../codecs/types.js';
import { createV8BoxedCodec, createV8Codec } from './v8.js';

/** Every registered codec factory by name; each call returns a fresh codec. */
export const codecFactories = {
  json: createJsonCodec,
  msgpack: createMsgpackCodec,
  'msgpack-boxed': createMsgpackBoxedCodec,
  cbor: createCborCodec,
  'cbor-boxed': createCborBoxedCodec,
  flatbuffers: createFlatbuffersCodec,
  protobuf: createProtobufCodec,
  v8: createV8Codec,
  'v8-boxed': createV8BoxedCodec,
  shm: () => createShmCodec(),
} as const satisfies Record<string, () => Codec>;

/** Name of a registered codec. */
export type CodecName = keyof typeof codecFactories;

/** Names of all registered codecs, in registry order. */
export function listCodecs(): CodecName[] {
  return Object.keys(codecFactories) as CodecName[];
}

/** True when `name` is a registered codec. */
export function isCodecName(name: string): name is CodecName {
  return Object.hasOwn(codecFactories, name);
}

/** Creates a registered codec by name; throws OptionsError naming the known codecs otherwise. */
export function createCodec(name: string): Codec {
  if (!isCodecName(name)) throw new OptionsError('codec', `unknown codec '${name}'; known: ${listCodecs().join(', ')}`);
  return codecFactories[name]();
}

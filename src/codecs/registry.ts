import { OptionsError } from '../errors.js';
import type { ShmRingOptions } from '../shm/ring.js';
import { createCborBoxedCodec, createCborCodec } from './cbor.js';
import { createFlatbuffersCodec } from './flatbuffers.js';
import { createJsonCodec } from './json.js';
import { createMsgpackBoxedCodec, createMsgpackCodec } from './msgpack.js';
import { createProtobufCodec } from './protobuf.js';
import { createShmCodec } from './shm.js';
import type { Codec } from './types.js';
import { createV8BoxedCodec, createV8Codec } from './v8.js';

/** What createCodec builds a codec for: a kind's own schema layouts, and where a shared-memory codec sits in its ring. */
export interface CodecOptions {
  /** Codecs of a message kind's own schema, by the library name they stand in for (CtxMeta: flatbuffers, protobuf). */
  schemaCodecs?: Readonly<Record<string, () => Codec>>;
  /** The shm codec's ring: readers that release each slot, and this process's reader index. */
  shmRing?: ShmRingOptions;
}

/** Every built-in codec's factory by name; each carries any message, and each call returns a fresh codec. */
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
  shm: createShmCodec,
} as const satisfies Record<string, (options?: ShmRingOptions) => Codec>;

/** Name of a built-in codec. */
export type CodecName = keyof typeof codecFactories;

/** Names of every built-in codec, in registry order. */
export function listCodecs(): CodecName[] {
  return Object.keys(codecFactories) as CodecName[];
}

/** True when `name` is a built-in codec. */
export function isCodecName(name: string): name is CodecName {
  return Object.hasOwn(codecFactories, name);
}

/** Creates a built-in codec by name (a kind's schema layout where it has one); throws OptionsError naming the known codecs otherwise. */
export function createCodec(name: string, options: CodecOptions = {}): Codec {
  const schema = options.schemaCodecs !== undefined && Object.hasOwn(options.schemaCodecs, name) ? options.schemaCodecs[name] : undefined;
  if (schema !== undefined) return schema();
  if (!isCodecName(name)) throw new OptionsError('codec', `unknown codec '${name}'; known: ${listCodecs().join(', ')}`);
  return name === 'shm' ? createShmCodec(options.shmRing) : codecFactories[name]();
}

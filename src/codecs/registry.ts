import { OptionsError } from '../errors.js';
import { createCborBoxedMessageCodec, createCborMessageCodec } from './cbor.js';
import { createFlatbuffersMessageCodec } from './flatbuffers.js';
import { createJsonMessageCodec } from './json.js';
import { createMsgpackBoxedMessageCodec, createMsgpackMessageCodec } from './msgpack.js';
import { createProtobufMessageCodec } from './protobuf.js';
import { createShmMessageCodec } from './shm.js';
import type { MessageCodec } from './message-types.js';
import { createV8BoxedMessageCodec, createV8MessageCodec } from './v8.js';

/** Every message codec factory, under the same name as the CtxMeta codec it parallels; each call returns a fresh codec. */
export const messageCodecFactories = {
  json: createJsonMessageCodec,
  msgpack: createMsgpackMessageCodec,
  'msgpack-boxed': createMsgpackBoxedMessageCodec,
  cbor: createCborMessageCodec,
  'cbor-boxed': createCborBoxedMessageCodec,
  flatbuffers: createFlatbuffersMessageCodec,
  protobuf: createProtobufMessageCodec,
  v8: createV8MessageCodec,
  'v8-boxed': createV8BoxedMessageCodec,
  shm: () => createShmMessageCodec(),
} as const satisfies Record<string, () => MessageCodec>;

/** Name of a registered message codec. */
export type MessageCodecName = keyof typeof messageCodecFactories;

/** Names of all message codecs, in registry order. */
export function listMessageCodecs(): MessageCodecName[] {
  return Object.keys(messageCodecFactories) as MessageCodecName[];
}

/** Creates a message codec by registry name; throws OptionsError naming the known codecs otherwise. */
export function createMessageCodec(name: string): MessageCodec {
  if (!Object.hasOwn(messageCodecFactories, name)) {
    throw new OptionsError('codec', `unknown message codec '${name}'; known: ${listMessageCodecs().join(', ')}`);
  }
  return messageCodecFactories[name as MessageCodecName]();
}

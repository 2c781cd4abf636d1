import type { Codec, FrameAllocator, Frames } from '../codecs/types.js';
import type { BoxedMessageRecord, MessageRecord } from '../message/types.js';
import type { MessageKind } from './types.js';

/** A message in the form `codec` takes (boxed codecs take lists); made once, outside any timed region. */
export function inFormOf(kind: MessageKind, codec: Codec, message: MessageRecord): MessageRecord | BoxedMessageRecord {
  return codec.form === 'boxed' ? kind.toBoxed(message) : message;
}

/** Encodes a message already held in the codec's form, into memory from `allocator` where the codec takes one. */
export function encodeWith(codec: Codec, input: MessageRecord | BoxedMessageRecord, allocator?: FrameAllocator): Frames {
  return codec.form === 'boxed' ? codec.encode(input as BoxedMessageRecord, allocator) : codec.encode(input as MessageRecord, allocator);
}

/** What `codec` decoded, in the columnar form the rank launches from: a rank times it as `convert`. */
export function toColumnar(kind: MessageKind, codec: Codec, decoded: MessageRecord | BoxedMessageRecord): MessageRecord {
  return codec.form === 'boxed' ? kind.fromBoxed(decoded as BoxedMessageRecord) : (decoded as MessageRecord);
}

/** Decodes frames into the columnar form (for checks, never inside a timed region). */
export function decodeToColumnar(kind: MessageKind, codec: Codec, frames: Frames): MessageRecord {
  return toColumnar(kind, codec, codec.decode(frames));
}

import type { Frames } from './types.js';
import { fromBoxedMessage, toBoxedMessage } from '../message/boxed.js';
import type { BoxedMessageRecord, DtypeMap, MessageRecord } from '../message/types.js';
import type { MessageCodec } from './message-types.js';

/** Converts a columnar message into the form `codec` takes; done once, outside any timed region. */
export function messageInFormOf(codec: MessageCodec, message: MessageRecord): MessageRecord | BoxedMessageRecord {
  return codec.form === 'boxed' ? toBoxedMessage(message) : message;
}

/** Encodes a message already held in the codec's form. */
export function encodeMessageWith(codec: MessageCodec, input: MessageRecord | BoxedMessageRecord): Frames {
  return codec.form === 'boxed' ? codec.encode(input as BoxedMessageRecord) : codec.encode(input as MessageRecord);
}

/** Decodes frames into a columnar message, turning boxed output back with `dtypes` (for checks; time fromBoxedMessage separately). */
export function decodeMessageToColumnar(codec: MessageCodec, frames: Frames, dtypes: DtypeMap): MessageRecord {
  return codec.form === 'boxed' ? fromBoxedMessage(codec.decode(frames), dtypes) : codec.decode(frames);
}

import type { Frames } from '../../codecs/types.js';
import type { BoxedMessageRecord, MessageRecord } from '../types.js';

interface MessageCodecBase {
  /** Registry name, the same as the CtxMeta codec's it parallels, e.g. 'msgpack' or 'msgpack-boxed'. */
  readonly name: string;
  /** One line on what goes on the wire and whether decode copies. */
  readonly description: string;
  /** True when encode's output buffer is allocated outside Node's accounting (v8.serialize uses realloc). */
  readonly encodeAllocatesOutsideNode?: boolean;
  /** Releases what the codec holds (shared memory, pooled buffers). */
  dispose?(): void;
}

/** A message codec over the columnar form (typed arrays). */
export interface ColumnarMessageCodec extends MessageCodecBase {
  readonly form: 'columnar';
  /** Returns frames the caller owns: nothing it may mutate later aliases them. */
  encode(message: MessageRecord): Frames;
  /** Returns a fully usable message; throws DecodeError on corrupt input. */
  decode(frames: Frames): MessageRecord;
}

/** A message codec over the boxed form (number[] lists); turning its output back into typed arrays is fromBoxedMessage, a separate step. */
export interface BoxedMessageCodec extends MessageCodecBase {
  readonly form: 'boxed';
  encode(message: BoxedMessageRecord): Frames;
  /** Returns a boxed message; throws DecodeError on corrupt input. */
  decode(frames: Frames): BoxedMessageRecord;
}

/** Turns a captured message of any shape into wire frames and back. */
export type MessageCodec = ColumnarMessageCodec | BoxedMessageCodec;

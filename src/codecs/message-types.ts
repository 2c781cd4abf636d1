import type { BoxedCodec, ColumnarCodec, Codec } from './types.js';
import type { BoxedMessageRecord, MessageRecord } from '../message/types.js';

/** A message codec over the columnar form (typed arrays). */
export type ColumnarMessageCodec = ColumnarCodec<MessageRecord>;

/** A message codec over the boxed form (number[] lists); turning its output back into typed arrays is fromBoxedMessage, a separate step. */
export type BoxedMessageCodec = BoxedCodec<BoxedMessageRecord>;

/** Turns a captured message of any shape into wire frames and back. */
export type MessageCodec = Codec<MessageRecord, BoxedMessageRecord>;

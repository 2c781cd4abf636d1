import type { Codec, FrameAllocator, Frames } from '../src/codecs/types.js';
import { CTX_META_KIND } from '../src/kinds/ctx-meta/kind.js';
import type { CtxMeta } from '../src/kinds/ctx-meta/types.js';
import * as form from '../src/kinds/form.js';
import type { MessageKind } from '../src/kinds/types.js';
import type { BoxedMessageRecord, MessageRecord } from '../src/message/types.js';

/** CtxMeta's kind as the generic form helpers take it. */
export const CTX_META = CTX_META_KIND as unknown as MessageKind;

/** A CtxMeta in the form `codec` takes. */
export const inFormOf = (codec: Codec, payload: CtxMeta): MessageRecord | BoxedMessageRecord => form.inFormOf(CTX_META, codec, payload);

/** Encodes a message already in the codec's form. */
export const encodeWith = (codec: Codec, input: MessageRecord | BoxedMessageRecord, allocator?: FrameAllocator): Frames => form.encodeWith(codec, input, allocator);

/** Decodes frames back into a columnar CtxMeta. */
export const decodeToColumnar = (codec: Codec, frames: Frames): CtxMeta => form.decodeToColumnar(CTX_META, codec, frames) as CtxMeta;

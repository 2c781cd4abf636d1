import type { Codec, FrameAllocator } from '../codecs/types.js';
import { fromBoxed, toBoxed } from '../kinds/ctx-meta/boxed.js';
import type { BoxedCtxMeta, CtxMeta } from '../kinds/ctx-meta/types.js';

/** Converts a columnar payload into the form `codec` takes; done once, outside any timed region. */
export function inFormOf(codec: Codec, payload: CtxMeta): CtxMeta | BoxedCtxMeta {
  return codec.form === 'boxed' ? toBoxed(payload) : payload;
}

/** Encodes a payload already held in the codec's form, into memory from `allocator` where the codec takes one. */
export function encodeWith(codec: Codec, input: CtxMeta | BoxedCtxMeta, allocator?: FrameAllocator): readonly Uint8Array[] {
  return codec.form === 'boxed' ? codec.encode(input as BoxedCtxMeta, allocator) : codec.encode(input as CtxMeta, allocator);
}

/** Turns what `codec` decoded into the columnar form: a rank times it, since it must hold arrays before it launches. */
export function asColumnar(codec: Codec, decoded: CtxMeta | BoxedCtxMeta): CtxMeta {
  return codec.form === 'boxed' ? fromBoxed(decoded) : (decoded as CtxMeta);
}

/** Decodes frames and returns the columnar payload, converting boxed output back (for checks, never inside a timed region). */
export function decodeToColumnar(codec: Codec, frames: readonly Uint8Array[]): CtxMeta {
  return asColumnar(codec, codec.decode(frames));
}

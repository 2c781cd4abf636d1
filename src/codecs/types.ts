import type { BoxedCtxMeta, CtxMeta } from '../payload/types.js';

/** One ZeroMQ multipart message. */
export type Frames = readonly Uint8Array[];

interface CodecBase {
  /** Registry name, e.g. 'msgpack' or 'msgpack-boxed'. */
  readonly name: string;
  /** One line on what goes on the wire and whether decode copies. */
  readonly description: string;
  /** True when encode's output buffer is allocated outside Node's accounting (v8.serialize uses realloc), so its allocation cannot be measured. */
  readonly encodeAllocatesOutsideNode?: boolean;
  /** Releases what the codec holds (shared memory, pooled buffers). */
  dispose?(): void;
}

/** A codec over the columnar payload (typed arrays). */
export interface ColumnarCodec extends CodecBase {
  readonly form: 'columnar';
  /** Returns frames the caller owns: nothing it may mutate later aliases them. */
  encode(payload: CtxMeta): Frames;
  /** Returns a fully usable payload; throws DecodeError on corrupt input. */
  decode(frames: Frames): CtxMeta;
}

/** A codec over the boxed payload (plain objects and number[] lists). */
export interface BoxedCodec extends CodecBase {
  readonly form: 'boxed';
  encode(payload: BoxedCtxMeta): Frames;
  decode(frames: Frames): BoxedCtxMeta;
}

/** Turns a payload into wire frames and back. */
export type Codec = ColumnarCodec | BoxedCodec;

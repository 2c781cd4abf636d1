import type { BoxedCtxMeta, CtxMeta } from '../payload/types.js';

/** One ZeroMQ multipart message. */
export type Frames = readonly Uint8Array[];

/**
 * Where an encoder takes its output bytes from: fresh memory, a pooled buffer, or a shared-memory slot.
 * It hands out Node Buffers because msgpackr and cbor-x need one as their target.
 */
export interface FrameAllocator {
  /** Returns `byteLength` writable bytes the encoder may fill; the allocator's owner decides when they are reused. */
  allocate(byteLength: number): Buffer;
}

interface CodecBase {
  /** Registry name, e.g. 'msgpack' or 'msgpack-boxed'. */
  readonly name: string;
  /** One line on what goes on the wire and whether decode copies. */
  readonly description: string;
  /** True when encode's output buffer is allocated outside Node's accounting (v8.serialize uses realloc), so its allocation cannot be measured. */
  readonly encodeAllocatesOutsideNode?: boolean;
  /** 'caller' when encode writes into the FrameAllocator it is given (so a pool can reuse buffers); 'library' when the library allocates. @default 'library' */
  readonly allocation?: 'caller' | 'library';
  /** Releases what the codec holds (shared memory, pooled buffers). */
  dispose?(): void;
}

/** A codec over the columnar payload (typed arrays). */
export interface ColumnarCodec extends CodecBase {
  readonly form: 'columnar';
  /** Returns frames the caller owns (in memory from `allocator` where the codec honours one); nothing it may mutate later aliases them. */
  encode(payload: CtxMeta, allocator?: FrameAllocator): Frames;
  /** Returns a fully usable payload; throws DecodeError on corrupt input. */
  decode(frames: Frames): CtxMeta;
}

/** A codec over the boxed payload (plain objects and number[] lists). */
export interface BoxedCodec extends CodecBase {
  readonly form: 'boxed';
  encode(payload: BoxedCtxMeta, allocator?: FrameAllocator): Frames;
  decode(frames: Frames): BoxedCtxMeta;
}

/** Turns a payload into wire frames and back. */
export type Codec = ColumnarCodec | BoxedCodec;

import type { BoxedCtxMeta, CtxMeta } from '../kinds/ctx-meta/types.js';

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

/** Which messages a codec carries: the scheduler's CtxMeta, or captured messages of any shape. */
export type PayloadKindName = 'ctx-meta' | 'message';

interface CodecBase {
  /** Registry name, e.g. 'msgpack' or 'msgpack-boxed'; a codec module's own name, which may not be a built-in's. */
  readonly name: string;
  /** Which messages it carries. @default 'ctx-meta' */
  readonly kind?: PayloadKindName;
  /** One line on what goes on the wire and whether decode copies. */
  readonly description: string;
  /** True when encode's output buffer is allocated outside Node's accounting (v8.serialize uses realloc), so its allocation cannot be measured. */
  readonly encodeAllocatesOutsideNode?: boolean;
  /** 'caller' when encode writes into the FrameAllocator it is given (so a pool can reuse buffers); 'library' when the library allocates. @default 'library' */
  readonly allocation?: 'caller' | 'library';
  /** True when the payload's bytes go into memory the codec owns and recycles (a shared-memory ring): it runs the reused regime whatever is asked. */
  readonly ownsBuffers?: boolean;
  /** Releases what the codec holds (shared memory, pooled buffers). */
  dispose?(): void;
}

/** A codec over the columnar form (typed arrays). */
export interface ColumnarCodec<P = CtxMeta> extends CodecBase {
  readonly form: 'columnar';
  /** Returns frames the caller owns (in memory from `allocator` where the codec honours one); nothing it may mutate later aliases them. */
  encode(payload: P, allocator?: FrameAllocator): Frames;
  /** Returns a fully usable payload; throws DecodeError on corrupt input. */
  decode(frames: Frames): P;
}

/** A codec over the boxed form (plain objects and number[] lists); turning its output into arrays is the rank's `convert`. */
export interface BoxedCodec<B = BoxedCtxMeta> extends CodecBase {
  readonly form: 'boxed';
  encode(payload: B, allocator?: FrameAllocator): Frames;
  decode(frames: Frames): B;
}

/** Turns a payload into wire frames and back: by default the scheduler's CtxMeta. */
export type Codec<P = CtxMeta, B = BoxedCtxMeta> = ColumnarCodec<P> | BoxedCodec<B>;

/** A codec of either kind, as the broadcast handles it without knowing the payload's type. */
export type AnyCodec = Codec<unknown, unknown>;

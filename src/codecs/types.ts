import type { BoxedMessageRecord, MessageRecord } from '../message/types.js';
import type { ShmBackendKind } from '../shm/region.js';

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
  /** Registry name, e.g. 'msgpack' or 'msgpack-boxed'; a codec module's own name, which may not be a built-in's. */
  readonly name: string;
  /** One line on what goes on the wire and whether decode copies. */
  readonly description: string;
  /** True when encode's output buffer is allocated outside Node's accounting (v8.serialize uses realloc), so its allocation cannot be measured. */
  readonly encodeAllocatesOutsideNode?: boolean;
  /** 'caller' when encode writes into the FrameAllocator it is given (so a pool can reuse buffers); 'library' when the library allocates. @default 'library' */
  readonly allocation?: 'caller' | 'library';
  /** True when the message's bytes go into memory the codec owns and recycles (a shared-memory ring): it runs the reused regime whatever is asked. */
  readonly ownsBuffers?: boolean;
  /** Which shared-memory backend carries the bytes, for codecs that use one. */
  readonly backend?: ShmBackendKind;
  /** Tells the writer this reader is done with the last message it decoded (a shared-memory ring's slot). */
  release?(): void;
  /** Releases what the codec holds (shared memory, pooled buffers). */
  dispose?(): void;
}

/** A codec over the columnar form: numeric arrays as typed arrays. */
export interface ColumnarCodec extends CodecBase {
  readonly form: 'columnar';
  /** Returns frames the caller owns (in memory from `allocator` where the codec honours one); nothing it may mutate later aliases them. */
  encode(message: MessageRecord, allocator?: FrameAllocator): Frames;
  /** Returns a fully usable message; throws DecodeError on corrupt input. */
  decode(frames: Frames): MessageRecord;
}

/** A codec over the boxed form (plain objects and number[] lists); turning its output into arrays is the rank's `convert`. */
export interface BoxedCodec extends CodecBase {
  readonly form: 'boxed';
  encode(message: BoxedMessageRecord, allocator?: FrameAllocator): Frames;
  decode(frames: Frames): BoxedMessageRecord;
}

/** Turns a message of any kind into wire frames and back. */
export type Codec = ColumnarCodec | BoxedCodec;

/** Which in-memory form a codec takes and returns. */
export type CodecForm = Codec['form'];

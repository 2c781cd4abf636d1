import { DecodeError } from '../errors.js';
import type { Frames } from './types.js';

/** Returns the single frame of a one-frame message, or throws DecodeError. */
export function singleFrame(codec: string, frames: Frames): Uint8Array {
  const frame = frames[0];
  if (frames.length !== 1 || frame === undefined) throw new DecodeError(codec, `expected 1 frame, got ${frames.length}`);
  return frame;
}

/** Runs a decoder, turning whatever a library throws on bad input into a DecodeError. */
export function decodeGuard<T>(codec: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new DecodeError(codec, reason, { cause: error });
  }
}

/** A Uint8Array over the same bytes as a typed array, without copying. */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Copies little-endian bytes into a new typed array of the given kind, checking the length is whole elements. */
export function copyInto(
  codec: string,
  field: string,
  ctor: typeof Int32Array | typeof Float32Array,
  bytes: unknown,
): Int32Array | Float32Array {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError(codec, `${field} is not a byte string`);
  if (bytes.byteLength % ctor.BYTES_PER_ELEMENT !== 0) {
    throw new DecodeError(codec, `${field} has ${bytes.byteLength} bytes, not a whole number of elements`);
  }
  const out = new ctor(bytes.byteLength / ctor.BYTES_PER_ELEMENT);
  bytesOf(out).set(bytes);
  return out;
}

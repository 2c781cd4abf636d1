import { Builder, ByteBuffer } from 'flatbuffers';
import { DecodeError } from '../errors.js';

/** Builder fields the generated code hides; bulk copies need them (generated createXVector writes one element at a time). */
interface BuilderInternals {
  space: number;
  bb: ByteBuffer;
}

/** A builder over `target` (unzeroed is fine: the builder writes every byte it returns; a size that is a bound avoids growth copies, and a multiple of 8 keeps vectors aligned from its start). */
export function presizedBuilder(target: Uint8Array): Builder {
  const builder = new Builder(1);
  const internals = builder as unknown as BuilderInternals;
  internals.bb = new ByteBuffer(target);
  internals.space = target.byteLength;
  return builder;
}

/** Writes a vector of `bytes.byteLength / elementSize` elements with one copy; `alignment` aligns its first element. */
export function bulkVector(builder: Builder, bytes: Uint8Array, elementSize: number, alignment: number): number {
  const internals = builder as unknown as BuilderInternals;
  builder.startVector(elementSize, bytes.byteLength / elementSize, alignment);
  internals.space -= bytes.byteLength;
  internals.bb.bytes().set(bytes, internals.space);
  return builder.endVector();
}

/** A ByteBuffer that refuses reads past the frame: the stock one reads missing bytes as 0, so a truncated buffer decodes silently. */
export class CheckedByteBuffer extends ByteBuffer {
  constructor(
    bytes: Uint8Array,
    private readonly codec: string,
  ) {
    super(bytes);
  }

  /** Throws DecodeError unless [offset, offset + size) lies inside the frame. */
  check(offset: number, size: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.capacity()) {
      throw new DecodeError(this.codec, `read of ${size} bytes at ${offset} is outside a ${this.capacity()}-byte frame`);
    }
  }

  override readInt8(offset: number): number {
    this.check(offset, 1);
    return super.readInt8(offset);
  }

  override readUint8(offset: number): number {
    this.check(offset, 1);
    return super.readUint8(offset);
  }

  override readInt16(offset: number): number {
    this.check(offset, 2);
    return super.readInt16(offset);
  }

  override readUint16(offset: number): number {
    this.check(offset, 2);
    return super.readUint16(offset);
  }

  override readInt32(offset: number): number {
    this.check(offset, 4);
    return super.readInt32(offset);
  }

  override readUint32(offset: number): number {
    this.check(offset, 4);
    return super.readUint32(offset);
  }

  override readFloat64(offset: number): number {
    this.check(offset, 8);
    return super.readFloat64(offset);
  }

  override __string(offset: number): string {
    const start = offset + this.readInt32(offset);
    this.check(start + 4, Math.max(0, this.readInt32(start)));
    return super.__string(offset) as string;
  }
}

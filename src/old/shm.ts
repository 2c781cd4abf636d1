import { Packr, Unpackr } from 'msgpackr';
import { DecodeError } from '../errors.js';
import { ARRAY_FIELDS, FIELD_DTYPE, type CtxMeta } from '../kinds/ctx-meta/types.js';
import { decodeGuard, singleFrame } from '../codecs/frames.js';
import type { ShmBackendKind } from '../shm/region.js';
import { align, checkSlotRef, createShmRing, isUint, type ShmRingOptions, type ShmSlotRef } from '../shm/ring.js';
import { encodeIntoTarget } from '../codecs/encode-target.js';
import { FRESH_ALLOCATOR } from '../codecs/frame-pool.js';
import type { ColumnarCodec, FrameAllocator } from '../codecs/types.js';

export { unlinkAllShmRegions } from '../shm/ring.js';

/** Options of createShmCodec. */
export type ShmCodecOptions = ShmRingOptions;

/** The shm codec: frames carry a small descriptor; arrays live in a shared ring of slots. */
export interface ShmCodec extends ColumnarCodec {
  /** Which backend carries the arrays on this machine. */
  readonly backend: ShmBackendKind;
  /** Name of the region the writer currently fills, or null before the first encode. */
  readonly regionName: string | null;
  /** Tells the writer this reader is done with the last payload it decoded. */
  release(): void;
}

const descriptorBound = (reqIds: readonly string[]): number => reqIds.reduce((sum, id) => sum + 3 * id.length + 8, 4096);

interface Descriptor extends ShmSlotRef {
  stepId: number;
  blockSize: number;
  reqIds: string[];
  lengths: number[];
}

function checkDescriptor(name: string, value: unknown): Descriptor {
  if (typeof value !== 'object' || value === null) throw new DecodeError(name, 'descriptor is not a map');
  const d = value as Record<string, unknown>;
  checkSlotRef(name, d);
  if (!isUint(d.stepId, 0xffffffff) || !isUint(d.blockSize, 0xffffffff)) throw new DecodeError(name, 'descriptor stepId or blockSize invalid');
  if (!Array.isArray(d.reqIds)) throw new DecodeError(name, 'descriptor reqIds is not a list');
  const lengths = d.lengths;
  if (!Array.isArray(lengths) || lengths.length !== ARRAY_FIELDS.length || !lengths.every((n) => isUint(n, 0x7fffffff))) {
    throw new DecodeError(name, 'descriptor lengths invalid');
  }
  return d as unknown as Descriptor;
}

/** Arrays copied once into a shared-memory ring slot; the frame is a msgpack descriptor (region, slot, generation, lengths). */
export function createShmCodec(options: ShmCodecOptions = {}): ShmCodec {
  const name = 'shm';
  const ring = createShmRing(name, options);
  const packr = new Packr({ useRecords: false, moreTypes: false });
  const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

  const encode = (payload: CtxMeta, allocator: FrameAllocator): Uint8Array[] => {
    const lengths = ARRAY_FIELDS.map((field) => payload[field].length);
    const needed = ARRAY_FIELDS.reduce((sum, field) => sum + align(payload[field].byteLength, 8), 0);
    const ref = ring.write(needed, (region, start) => {
      let offset = start;
      for (const field of ARRAY_FIELDS) {
        const array = payload[field];
        region.write(offset, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
        offset += align(array.byteLength, 8);
      }
    });
    const descriptor: Descriptor = {
      ...ref,
      stepId: payload.stepId,
      blockSize: payload.blockSize,
      reqIds: payload.reqIds,
      lengths,
    };
    // Packed into its own small buffer: msgpackr's shared target may be whatever size another codec left it.
    return [encodeIntoTarget(packr, allocator.allocate(descriptorBound(payload.reqIds)), () => packr.pack(descriptor))];
  };

  const decode = (frame: Uint8Array): CtxMeta => {
    const d = checkDescriptor(name, unpackr.unpack(frame));
    const needed = d.lengths.reduce((sum, length) => sum + align(length * 4, 8), 0);
    return ring.read(d, needed, (region, start) => {
      const payload: Record<string, unknown> = { stepId: d.stepId, blockSize: d.blockSize, reqIds: d.reqIds };
      let offset = start;
      ARRAY_FIELDS.forEach((field, i) => {
        const length = d.lengths[i] ?? 0;
        payload[field] = region.read(FIELD_DTYPE[field] === 'int32' ? Int32Array : Float32Array, offset, length);
        offset += align(length * 4, 8);
      });
      return payload as unknown as CtxMeta;
    });
  };

  return {
    name,
    form: 'columnar',
    backend: ring.backend,
    description: `arrays copied once into a shared-memory ring (${ring.backend}); frame is a small msgpack descriptor; decode ${ring.backend === 'posix-mmap' ? 'returns views (no copy)' : 'reads a copy'}`,
    get regionName() {
      return ring.regionName;
    },
    allocation: 'caller',
    ownsBuffers: true,
    encode: (payload, allocator = FRESH_ALLOCATOR) => encode(payload, allocator),
    decode: (frames) => decodeGuard(name, () => decode(singleFrame(name, frames))),
    release: ring.release,
    dispose: ring.dispose,
  };
}

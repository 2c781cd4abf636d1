import { Packr, Unpackr } from 'msgpackr';
import { DecodeError } from '../errors.js';
import { bytesOf, decodeGuard, singleFrame } from './frames.js';
import { encodeIntoTarget } from './encode-target.js';
import type { FrameAllocator } from './types.js';
import { FRESH_ALLOCATOR } from './frame-pool.js';
import type { ShmBackendKind, ShmRegion } from '../shm/region.js';
import { align, checkSlotRef, createShmRing, type ShmRingOptions } from '../shm/ring.js';
import { DTYPE_ARRAY, DTYPES, numericArrayFromBytes } from '../message/dtypes.js';
import type { Dtype, MessageRecord, NumericArray } from '../message/types.js';
import { columnCode, flattenMessage, items, unflattenMessage } from './envelope.js';
import type { ColumnarCodec } from './types.js';

/** The shm message codec: the frame carries the message's structure; its typed arrays live in a shared ring of slots. */
export interface ShmCodec extends ColumnarCodec {
  /** Which backend carries the arrays on this machine. */
  readonly backend: ShmBackendKind;
  /** Name of the region the writer currently fills, or null before the first encode. */
  readonly regionName: string | null;
  /** Tells the writer this reader is done with the last message it decoded. */
  release(): void;
}

/** The descriptor frame: ring slot, the envelope's structure (kinds, counts, keys, numbers, strings) and each column's dtype code and length. */
interface Descriptor {
  region: string;
  slot: number;
  gen: number;
  kinds: Uint8Array;
  counts: Uint8Array;
  keys: string[];
  numbers: Uint8Array;
  strings: string[];
  dtypes: Uint8Array;
  lengths: Uint8Array;
}

function bin(name: string, d: Record<string, unknown>, field: string, dtype: Dtype): NumericArray {
  const value = d[field];
  if (!(value instanceof Uint8Array)) throw new DecodeError(name, `descriptor ${field} is not a byte string`);
  const array = numericArrayFromBytes(value, dtype);
  if (array === null) throw new DecodeError(name, `descriptor ${field} is not whole ${dtype} elements`);
  return array;
}

function strings(name: string, d: Record<string, unknown>, field: string): string[] {
  const value = d[field];
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) throw new DecodeError(name, `descriptor ${field} is not a list of strings`);
  return value as string[];
}

/** A typed array over a slot's bytes: a view with the posix backend, a copy with the file backend. */
function readColumn(region: ShmRegion, dtype: Dtype, offset: number, length: number): NumericArray {
  // ShmRegion.read is typed for the CtxMeta dtypes but constructs whatever typed-array class it is given.
  return region.read(DTYPE_ARRAY[dtype] as unknown as typeof Int32Array, offset, length) as NumericArray;
}

/** Typed arrays copied once into a shared-memory ring slot; the frame is a msgpack descriptor with the structure, scalars, strings and column lengths. */
export function createShmCodec(options: ShmRingOptions = {}): ShmCodec {
  const name = 'shm';
  const ring = createShmRing(name, options);
  const packr = new Packr({ useRecords: false, moreTypes: false });
  const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

  const encode = (message: MessageRecord, allocator: FrameAllocator): Uint8Array[] => {
    const flat = flattenMessage(message);
    const needed = flat.columns.reduce((sum, array) => sum + align(array.byteLength, 8), 0);
    const ref = ring.write(needed, (region, start) => {
      let offset = start;
      for (const array of flat.columns) {
        region.write(offset, bytesOf(array));
        offset += align(array.byteLength, 8);
      }
    });
    const descriptor: Descriptor = {
      ...ref,
      kinds: flat.kinds,
      counts: bytesOf(flat.counts),
      keys: flat.keys,
      numbers: bytesOf(flat.numbers),
      strings: flat.strings,
      dtypes: Uint8Array.from(flat.columns, columnCode),
      lengths: bytesOf(Uint32Array.from(flat.columns, (array) => array.length)),
    };
    let bound = 4096 + flat.kinds.byteLength + 4 * flat.counts.length + 8 * flat.numbers.length + 5 * flat.columns.length;
    for (const s of flat.keys) bound += 3 * s.length + 8;
    for (const s of flat.strings) bound += 3 * s.length + 8;
    // Packed into its own buffer: msgpackr's shared target may be whatever size another codec left it.
    return [encodeIntoTarget(packr, allocator.allocate(bound), () => packr.pack(descriptor))];
  };

  const decode = (frame: Uint8Array): MessageRecord => {
    const value: unknown = unpackr.unpack(frame);
    if (typeof value !== 'object' || value === null) throw new DecodeError(name, 'descriptor is not a map');
    const d = value as Record<string, unknown>;
    const ref = checkSlotRef(name, d);
    if (!(d.kinds instanceof Uint8Array) || !(d.dtypes instanceof Uint8Array)) throw new DecodeError(name, 'descriptor kinds or dtypes is not a byte string');
    const kinds = d.kinds;
    const codes = d.dtypes;
    const lengths = bin(name, d, 'lengths', 'uint32');
    if (lengths.length !== codes.length) throw new DecodeError(name, `descriptor has ${codes.length} dtypes for ${lengths.length} lengths`);
    const columns: { dtype: Dtype; offset: number; length: number }[] = [];
    let needed = 0;
    codes.forEach((code, i) => {
      const dtype = DTYPES[code - 1];
      if (dtype === undefined) throw new DecodeError(name, `unknown dtype code ${code}`);
      const length = lengths[i] ?? 0;
      columns.push({ dtype, offset: needed, length });
      needed += align(length * DTYPE_ARRAY[dtype].BYTES_PER_ELEMENT, 8);
    });
    const parts = {
      kinds,
      counts: bin(name, d, 'counts', 'uint32'),
      keys: items(strings(name, d, 'keys')),
      numbers: bin(name, d, 'numbers', 'float64'),
      strings: items(strings(name, d, 'strings')),
    };
    return ring.read(ref, needed, (region, start) =>
      unflattenMessage(name, {
        ...parts,
        columns: {
          length: columns.length,
          at: (i) => {
            const column = columns[i];
            if (column === undefined) throw new DecodeError(name, `column ${i} missing`);
            return readColumn(region, column.dtype, start + column.offset, column.length);
          },
        },
      }),
    );
  };

  return {
    name,
    form: 'columnar',
    backend: ring.backend,
    description: `typed arrays copied once into a shared-memory ring (${ring.backend}); frame is a msgpack descriptor with the structure (generic envelope); decode ${ring.backend === 'posix-mmap' ? 'returns views (no copy)' : 'reads a copy'}`,
    get regionName() {
      return ring.regionName;
    },
    allocation: 'caller',
    ownsBuffers: true,
    encode: (message, allocator = FRESH_ALLOCATOR) => encode(message, allocator),
    decode: (frames) => decodeGuard(name, () => decode(singleFrame(name, frames))),
    release: ring.release,
    dispose: ring.dispose,
  };
}

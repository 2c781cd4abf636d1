import { randomBytes } from 'node:crypto';
import { Packr, Unpackr } from 'msgpackr';
import { DecodeError, OptionsError, ShmBusyError } from '../errors.js';
import { ARRAY_FIELDS, FIELD_DTYPE, type CtxMeta } from '../payload/types.js';
import { decodeGuard, singleFrame } from './frames.js';
import {
  createFileBackend,
  createPosixBackend,
  unlinkRegion,
  type ShmBackend,
  type ShmBackendKind,
  type ShmRegion,
} from './shm-region.js';
import { FRESH_ALLOCATOR } from './frame-pool.js';
import type { ColumnarCodec, FrameAllocator } from './types.js';

/** Options of createShmCodec. */
export interface ShmCodecOptions {
  /** Ring size: how many steps may be in flight before a slot is reused. @default 4 */
  slots?: number;
  /** Reader ranks that must release a slot before the writer reuses it; 0 for in-process use. @default 0 */
  readers?: number;
  /** This process's reader index in [0, readers) when it decodes as a rank; releases its slots. */
  readerIndex?: number;
  /** @default 'auto' (posix-mmap where the native addon loads, else devshm-file) */
  backend?: ShmBackendKind | 'auto';
}

/** The shm codec: frames carry a small descriptor; arrays live in a shared ring of slots. */
export interface ShmCodec extends ColumnarCodec {
  /** Which backend carries the arrays on this machine. */
  readonly backend: ShmBackendKind;
  /** Name of the region the writer currently fills, or null before the first encode. */
  readonly regionName: string | null;
  /** Tells the writer this reader is done with the last payload it decoded. */
  release(): void;
}

const MAGIC = 0x4d534253; // 'SBSM'
const VERSION = 1;
const HEADER_BYTES = 64;
const NAME_PATTERN = /^\/stallbench-\d+-[0-9a-f]{12}$/;
const MAX_SLOTS = 1024;
const MAX_READERS = 1024;
const created = new Set<string>();
let exitHookInstalled = false;

/** Unlinks every region this process created and has not disposed; for exit and signal handlers. */
export function unlinkAllShmRegions(): void {
  for (const name of created) unlinkRegion(name);
  created.clear();
}

const SCRATCH_BYTES = 8192;
const align = (n: number, to: number): number => Math.ceil(n / to) * to;
const descriptorBound = (reqIds: readonly string[]): number => reqIds.reduce((sum, id) => sum + 3 * id.length + 8, 4096);

interface Layout {
  slots: number;
  readers: number;
  capacity: number;
  dataStart: number;
}

const genOffset = (l: Layout, slot: number): number => HEADER_BYTES + slot * 4 * (1 + l.readers);
const releasedOffset = (l: Layout, slot: number, reader: number): number => genOffset(l, slot) + 4 + 4 * reader;
const slotStart = (l: Layout, slot: number): number => l.dataStart + slot * l.capacity;

function layoutFor(slots: number, readers: number, capacity: number): Layout {
  return { slots, readers, capacity, dataStart: align(HEADER_BYTES + slots * 4 * (1 + readers), 64) };
}

function readLayout(name: string, region: ShmRegion): Layout {
  if (region.byteLength < HEADER_BYTES || region.loadU32(0) !== MAGIC || region.loadU32(4) !== VERSION) {
    throw new DecodeError(name, `region ${region.name} has no stallbench header`);
  }
  const layout = layoutFor(region.loadU32(8), region.loadU32(12), region.loadU32(16));
  const { slots, readers, capacity } = layout;
  if (slots < 1 || slots > MAX_SLOTS || readers > MAX_READERS || capacity % 64 !== 0) {
    throw new DecodeError(name, `region ${region.name} header is corrupt`);
  }
  if (slotStart(layout, slots) > region.byteLength) throw new DecodeError(name, `region ${region.name} is smaller than its header says`);
  return layout;
}

interface Descriptor {
  region: string;
  slot: number;
  gen: number;
  stepId: number;
  blockSize: number;
  reqIds: string[];
  lengths: number[];
}

const isUint = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

function checkDescriptor(name: string, value: unknown): Descriptor {
  if (typeof value !== 'object' || value === null) throw new DecodeError(name, 'descriptor is not a map');
  const d = value as Record<string, unknown>;
  if (typeof d.region !== 'string' || !NAME_PATTERN.test(d.region)) throw new DecodeError(name, 'descriptor names no stallbench region');
  if (!isUint(d.slot, MAX_SLOTS - 1) || !isUint(d.gen, 0xffffffff)) throw new DecodeError(name, 'descriptor slot or generation invalid');
  if (!isUint(d.stepId, 0xffffffff) || !isUint(d.blockSize, 0xffffffff)) throw new DecodeError(name, 'descriptor stepId or blockSize invalid');
  if (!Array.isArray(d.reqIds)) throw new DecodeError(name, 'descriptor reqIds is not a list');
  const lengths = d.lengths;
  if (!Array.isArray(lengths) || lengths.length !== ARRAY_FIELDS.length || !lengths.every((n) => isUint(n, 0x7fffffff))) {
    throw new DecodeError(name, 'descriptor lengths invalid');
  }
  return d as unknown as Descriptor;
}

function pickBackend(kind: ShmBackendKind | 'auto'): ShmBackend {
  if (kind === 'devshm-file') return createFileBackend();
  const posix = createPosixBackend();
  if (posix !== null) return posix;
  if (kind === 'posix-mmap') throw new OptionsError('backend', 'posix-mmap needs the shm-typed-array addon, which did not load');
  return createFileBackend();
}

/** Arrays copied once into a shared-memory ring slot; the frame is a msgpack descriptor (region, slot, generation, lengths). */
export function createShmCodec(options: ShmCodecOptions = {}): ShmCodec {
  const name = 'shm';
  const slots = options.slots ?? 4;
  const readers = options.readers ?? 0;
  const { readerIndex } = options;
  if (!isUint(slots, MAX_SLOTS) || slots < 1) throw new OptionsError('slots', `must be in [1, ${MAX_SLOTS}]`);
  if (!isUint(readers, MAX_READERS)) throw new OptionsError('readers', `must be in [0, ${MAX_READERS}]`);
  if (readerIndex !== undefined && !isUint(readerIndex, MAX_READERS - 1)) throw new OptionsError('readerIndex', 'must be a reader index');
  const backend = pickBackend(options.backend ?? 'auto');
  const packr = new Packr({ useRecords: false, moreTypes: false });
  const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

  let writer: { region: ShmRegion; layout: Layout } | null = null;
  let attached: { region: ShmRegion; layout: Layout } | null = null;
  let held: { region: ShmRegion; layout: Layout; slot: number; gen: number } | null = null;
  let gen = 0;

  const createRegion = (capacity: number): { region: ShmRegion; layout: Layout } => {
    const layout = layoutFor(slots, readers, capacity);
    const regionName = `/stallbench-${process.pid}-${randomBytes(6).toString('hex')}`;
    if (!exitHookInstalled) {
      process.once('exit', unlinkAllShmRegions);
      exitHookInstalled = true;
    }
    const region = backend.create(regionName, slotStart(layout, slots));
    created.add(regionName);
    region.storeU32(8, slots);
    region.storeU32(12, readers);
    region.storeU32(16, capacity);
    region.storeU32(4, VERSION);
    region.storeU32(0, MAGIC);
    return { region, layout };
  };

  const retireWriter = (): void => {
    if (writer === null) return;
    unlinkRegion(writer.region.name);
    created.delete(writer.region.name);
    writer.region.close();
    writer = null;
  };

  const encode = (payload: CtxMeta, allocator: FrameAllocator): Uint8Array[] => {
    const lengths = ARRAY_FIELDS.map((field) => payload[field].length);
    const needed = ARRAY_FIELDS.reduce((sum, field) => sum + align(payload[field].byteLength, 8), 0);
    if (writer === null || needed > writer.layout.capacity) {
      retireWriter();
      // Headroom so a payload that grows by a few tokens a step does not reallocate every step.
      writer = createRegion(align(Math.max(needed * 1.25, 4096), 64));
    }
    const { region, layout } = writer;
    const nextGen = gen === 0xffffffff ? 1 : gen + 1;
    const slot = nextGen % layout.slots;
    const previous = region.loadU32(genOffset(layout, slot));
    for (let r = 0; r < readers && previous !== 0; r++) {
      if (region.loadU32(releasedOffset(layout, slot, r)) !== previous) {
        throw new ShmBusyError(slot, `reader ${r} still holds generation ${previous}`);
      }
    }
    let offset = slotStart(layout, slot);
    for (const field of ARRAY_FIELDS) {
      const array = payload[field];
      region.write(offset, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      offset += align(array.byteLength, 8);
    }
    gen = nextGen;
    region.storeU32(genOffset(layout, slot), gen);
    const descriptor: Descriptor = {
      region: region.name,
      slot,
      gen,
      stepId: payload.stepId,
      blockSize: payload.blockSize,
      reqIds: payload.reqIds,
      lengths,
    };
    // Packed into its own small buffer: msgpackr's shared target may be whatever size another codec left it.
    packr.useBuffer(allocator.allocate(descriptorBound(payload.reqIds)));
    const frame = packr.pack(descriptor);
    packr.useBuffer(Buffer.allocUnsafeSlow(SCRATCH_BYTES));
    return [frame];
  };

  const regionFor = (regionName: string): { region: ShmRegion; layout: Layout } => {
    if (writer !== null && writer.region.name === regionName) return writer;
    if (attached !== null && attached.region.name === regionName) return attached;
    const region = backend.attach(regionName);
    if (region === null) throw new DecodeError(name, `region ${regionName} does not exist`);
    attached?.region.close();
    attached = { region, layout: readLayout(name, region) };
    return attached;
  };

  const release = (): void => {
    if (held === null || readerIndex === undefined) return;
    if (readerIndex < held.layout.readers) held.region.storeU32(releasedOffset(held.layout, held.slot, readerIndex), held.gen);
    held = null;
  };

  const decode = (frame: Uint8Array): CtxMeta => {
    const d = checkDescriptor(name, unpackr.unpack(frame));
    const { region, layout } = regionFor(d.region);
    if (d.slot >= layout.slots) throw new DecodeError(name, `slot ${d.slot} outside a ring of ${layout.slots}`);
    const needed = d.lengths.reduce((sum, length) => sum + align(length * 4, 8), 0);
    if (needed > layout.capacity) throw new DecodeError(name, `lengths need ${needed} bytes, slot holds ${layout.capacity}`);
    const current = region.loadU32(genOffset(layout, d.slot));
    if (current !== d.gen) {
      throw new DecodeError(name, `stale descriptor: slot ${d.slot} holds generation ${current}, descriptor says ${d.gen}`);
    }
    release();
    const payload: Record<string, unknown> = { stepId: d.stepId, blockSize: d.blockSize, reqIds: d.reqIds };
    let offset = slotStart(layout, d.slot);
    ARRAY_FIELDS.forEach((field, i) => {
      const length = d.lengths[i] ?? 0;
      payload[field] = region.read(FIELD_DTYPE[field] === 'int32' ? Int32Array : Float32Array, offset, length);
      offset += align(length * 4, 8);
    });
    held = { region, layout, slot: d.slot, gen: d.gen };
    return payload as unknown as CtxMeta;
  };

  return {
    name,
    form: 'columnar',
    backend: backend.kind,
    description: `arrays copied once into a shared-memory ring (${backend.kind}); frame is a small msgpack descriptor; decode ${backend.kind === 'posix-mmap' ? 'returns views (no copy)' : 'reads a copy'}`,
    get regionName() {
      return writer?.region.name ?? null;
    },
    allocation: 'caller',
    encode: (payload, allocator = FRESH_ALLOCATOR) => encode(payload, allocator),
    decode: (frames) => decodeGuard(name, () => decode(singleFrame(name, frames))),
    release,
    dispose: () => {
      release();
      retireWriter();
      attached?.region.close();
      attached = null;
    },
  };
}

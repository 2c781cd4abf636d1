import { DecodeError, OptionsError, ShmBusyError } from '../errors.js';
import {
  createFileBackend,
  createPosixBackend,
  forgetRegion,
  newRegionName,
  type ShmBackend,
  type ShmBackendKind,
  type ShmRegion,
} from './region.js';

/** Options of a shared-memory ring (and of the codecs built on one). */
export interface ShmRingOptions {
  /** Ring size: how many steps may be in flight before a slot is reused. @default 4 */
  slots?: number;
  /** Reader ranks that must release a slot before the writer reuses it; 0 for in-process use. @default 0 */
  readers?: number;
  /** This process's reader index in [0, readers) when it decodes as a rank; releases its slots. */
  readerIndex?: number;
  /** @default 'auto' (posix-mmap where the native addon loads, else devshm-file) */
  backend?: ShmBackendKind | 'auto';
}

/** Where one message's bytes sit in the ring, as a descriptor frame names it. */
export interface ShmSlotRef {
  region: string;
  slot: number;
  gen: number;
}

/**
 * A ring of slots in one shared region, as vLLM's MessageQueue: the writer stamps each slot with a
 * generation, readers record the generation they released, and the writer reuses a slot only once every
 * reader has released it. Region layout: a 64-byte header (magic 'SBSM', version, slots, readers,
 * capacity), then per slot a generation word and one released word per reader, then the slots.
 */
export interface ShmRing {
  readonly backend: ShmBackendKind;
  /** Name of the region the writer currently fills, or null before the first write. */
  readonly regionName: string | null;
  /** Claims the next slot for `needed` bytes, lets `fill` write them at `start`, then publishes the slot; throws ShmBusyError when a reader still holds it. */
  write(needed: number, fill: (region: ShmRegion, start: number) => void): ShmSlotRef;
  /** Checks a slot reference (region exists, slot in the ring, `needed` bytes fit, generation current), releases the slot held before, and lets `read` read at `start`. */
  read<T>(ref: ShmSlotRef, needed: number, read: (region: ShmRegion, start: number) => T): T;
  /** Tells the writer this reader is done with the last slot it read. */
  release(): void;
  /** Releases, unlinks the writer's region and closes attached ones. */
  dispose(): void;
}

const MAGIC = 0x4d534253; // 'SBSM'
const VERSION = 1;
const HEADER_BYTES = 64;
const NAME_PATTERN = /^\/stallbench-\d+-[0-9a-f]{12}$/;
/** Most slots a ring may have. */
export const MAX_SLOTS = 1024;
const MAX_READERS = 1024;

export { unlinkAllShmRegions } from './region.js';

/** Rounds `n` up to a multiple of `to`. */
export const align = (n: number, to: number): number => Math.ceil(n / to) * to;

/** True for an integer in [0, max]. */
export const isUint = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

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

/** Checks the ring fields of a decoded descriptor (region name, slot, generation); throws DecodeError naming the codec. */
export function checkSlotRef(codec: string, d: Record<string, unknown>): ShmSlotRef {
  if (typeof d.region !== 'string' || !NAME_PATTERN.test(d.region)) throw new DecodeError(codec, 'descriptor names no stallbench region');
  if (!isUint(d.slot, MAX_SLOTS - 1) || !isUint(d.gen, 0xffffffff)) throw new DecodeError(codec, 'descriptor slot or generation invalid');
  return { region: d.region, slot: d.slot, gen: d.gen };
}

function pickBackend(kind: ShmBackendKind | 'auto'): ShmBackend {
  if (kind === 'devshm-file') return createFileBackend();
  const posix = createPosixBackend();
  if (posix !== null) return posix;
  if (kind === 'posix-mmap') throw new OptionsError('backend', 'posix-mmap needs the shm-typed-array addon, which did not load');
  return createFileBackend();
}

// Zeros written a chunk at a time to touch every page of a new region.
const ZEROS = new Uint8Array(1 << 16);

/**
 * Touches every page of a new region's slots once, so its pages are resident before any message is written: an
 * engine's ring is made once and stays warm, and a step must not pay for first touches its engine never would.
 */
function prefault(region: ShmRegion, from: number, to: number): void {
  for (let offset = from; offset < to; offset += ZEROS.length) region.write(offset, ZEROS.subarray(0, Math.min(ZEROS.length, to - offset)));
}

/** Creates a ring (regions are made on the first write and regrown when a message outgrows a slot); `codec` names DecodeErrors. */
export function createShmRing(codec: string, options: ShmRingOptions = {}): ShmRing {
  const slots = options.slots ?? 4;
  const readers = options.readers ?? 0;
  const { readerIndex } = options;
  if (!isUint(slots, MAX_SLOTS) || slots < 1) throw new OptionsError('slots', `must be in [1, ${MAX_SLOTS}]`);
  if (!isUint(readers, MAX_READERS)) throw new OptionsError('readers', `must be in [0, ${MAX_READERS}]`);
  if (readerIndex !== undefined && !isUint(readerIndex, MAX_READERS - 1)) throw new OptionsError('readerIndex', 'must be a reader index');
  const backend = pickBackend(options.backend ?? 'auto');

  let writer: { region: ShmRegion; layout: Layout } | null = null;
  let attached: { region: ShmRegion; layout: Layout } | null = null;
  let held: { region: ShmRegion; layout: Layout; slot: number; gen: number } | null = null;
  let gen = 0;

  const createRegion = (capacity: number): { region: ShmRegion; layout: Layout } => {
    const layout = layoutFor(slots, readers, capacity);
    const regionName = newRegionName();
    const region = backend.create(regionName, slotStart(layout, slots));
    region.storeU32(8, slots);
    region.storeU32(12, readers);
    region.storeU32(16, capacity);
    region.storeU32(4, VERSION);
    region.storeU32(0, MAGIC);
    prefault(region, layout.dataStart, slotStart(layout, slots));
    return { region, layout };
  };

  const retireWriter = (): void => {
    if (writer === null) return;
    forgetRegion(writer.region.name);
    writer.region.close();
    writer = null;
  };

  const write = (needed: number, fill: (region: ShmRegion, start: number) => void): ShmSlotRef => {
    if (writer === null || needed > writer.layout.capacity) {
      retireWriter();
      // Headroom so a message that grows by a few tokens a step does not reallocate every step.
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
    fill(region, slotStart(layout, slot));
    gen = nextGen;
    region.storeU32(genOffset(layout, slot), gen);
    return { region: region.name, slot, gen };
  };

  const regionFor = (regionName: string): { region: ShmRegion; layout: Layout } => {
    if (writer !== null && writer.region.name === regionName) return writer;
    if (attached !== null && attached.region.name === regionName) return attached;
    const region = backend.attach(regionName);
    if (region === null) throw new DecodeError(codec, `region ${regionName} does not exist`);
    let layout: Layout;
    try {
      layout = readLayout(codec, region);
    } catch (error) {
      region.close();
      throw error;
    }
    // A slot held in the region about to be unmapped is released first: release writes into it (the writer has moved on).
    if (held !== null && held.region === attached?.region) release();
    attached?.region.close();
    attached = { region, layout };
    return attached;
  };

  const release = (): void => {
    if (held === null || readerIndex === undefined) return;
    if (readerIndex < held.layout.readers) held.region.storeU32(releasedOffset(held.layout, held.slot, readerIndex), held.gen);
    held = null;
  };

  const read = <T>(ref: ShmSlotRef, needed: number, readSlot: (region: ShmRegion, start: number) => T): T => {
    const { region, layout } = regionFor(ref.region);
    if (ref.slot >= layout.slots) throw new DecodeError(codec, `slot ${ref.slot} outside a ring of ${layout.slots}`);
    if (needed > layout.capacity) throw new DecodeError(codec, `lengths need ${needed} bytes, slot holds ${layout.capacity}`);
    const current = region.loadU32(genOffset(layout, ref.slot));
    if (current !== ref.gen) {
      throw new DecodeError(codec, `stale descriptor: slot ${ref.slot} holds generation ${current}, descriptor says ${ref.gen}`);
    }
    release();
    const out = readSlot(region, slotStart(layout, ref.slot));
    held = { region, layout, slot: ref.slot, gen: ref.gen };
    return out;
  };

  return {
    backend: backend.kind,
    get regionName() {
      return writer?.region.name ?? null;
    },
    write,
    read,
    release,
    dispose: () => {
      release();
      retireWriter();
      attached?.region.close();
      attached = null;
    },
  };
}

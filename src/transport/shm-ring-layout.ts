import { align } from '../shm/ring.js';
import { ShmRingError } from './errors.js';

/**
 * Layout of a shm-ring region. A 64-byte header (magic 'SBRG', version, rings, slots, readers, slotBytes, maxFrames),
 * then `rings` rings of one geometry (the steps region has one ring; the answers region one lane per rank). A ring is
 * its control words (per slot, on a cache line of its own: the sequence number of the message in the slot, then one
 * released word per reader holding the last sequence number that reader let go) followed by its slots. A slot starts
 * with its frame table (frame count, the overflow region's name, then where/offset/length per frame) and holds the frame
 * bytes after it, each frame 8-byte aligned. Region mappings start 8-byte aligned, so every frame view is too. Words
 * are in the machine's byte order: every end of a ring runs on one machine.
 */
export interface RingGeometry {
  /** Messages one ring holds at once. */
  slots: number;
  /** Processes that must release a slot before the writer reuses it. */
  readers: number;
  /** Bytes per slot, frame table included; a multiple of 64. */
  slotBytes: number;
  /** Most frames one message may have. */
  maxFrames: number;
}

/** Where one ring's words and slots lie within its region. */
export interface RingLayout extends RingGeometry {
  /** Byte offset of the ring's control words in its region. */
  base: number;
  /** Control bytes per slot: the sequence word, one released word per reader, padded to a cache line. */
  controlStride: number;
  /** Byte offset of slot 0 in the region. */
  slotsStart: number;
  /** Bytes at the start of each slot taken by its frame table. */
  tableBytes: number;
  /** Frame bytes one slot holds. */
  capacity: number;
}

/** Where one frame of a message lies: in its slot's frame area or in the slot's overflow region, at an offset from its start. */
export interface FramePlace {
  where: 'slot' | 'overflow';
  offset: number;
  length: number;
}

/** A slot's frame table as the writer left it. */
export interface SlotTable {
  places: FramePlace[];
  /** The overflow region holding this message's 'overflow' frames, or null when none lie there. */
  overflowName: string | null;
}

const MAGIC = 0x47525342;
const VERSION = 1;
const HEADER_BYTES = 64;
const NAME_BYTES = 64;
// Frame count, overflow name length, two spare words, then the name.
const TABLE_HEAD = 16 + NAME_BYTES;
const ENTRY_BYTES = 12;
/** Most readers one ring may have. */
export const MAX_RING_READERS = 1024;
/** Most frames one message may have. */
export const MAX_RING_FRAMES = 4096;

/** Computes a ring's layout from its geometry and the byte offset (a multiple of 64) where its words begin. */
export function ringLayout(geometry: RingGeometry, base: number): RingLayout {
  const controlStride = align(4 * (1 + geometry.readers), 64);
  const tableBytes = align(TABLE_HEAD + ENTRY_BYTES * geometry.maxFrames, 64);
  return { ...geometry, base, controlStride, slotsStart: base + geometry.slots * controlStride, tableBytes, capacity: geometry.slotBytes - tableBytes };
}

/** Bytes one ring of this geometry takes. */
function ringBytes(geometry: RingGeometry): number {
  return geometry.slots * (align(4 * (1 + geometry.readers), 64) + geometry.slotBytes);
}

/** Size of a region holding `rings` rings of one geometry. */
export function regionByteLength(geometry: RingGeometry, rings: number): number {
  return HEADER_BYTES + rings * ringBytes(geometry);
}

/** Layout of ring `index` of a region. */
export function ringAt(geometry: RingGeometry, index: number): RingLayout {
  return ringLayout(geometry, HEADER_BYTES + index * ringBytes(geometry));
}

/** Word view of a mapping, for Atomics on its control words. */
export function wordsOf(bytes: Buffer): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
}

/** Writes a new region's header; the magic goes last, so a reader never takes a half-written header for a ring. */
export function writeRegionHeader(words: Uint32Array, geometry: RingGeometry, rings: number): void {
  Atomics.store(words, 1, VERSION);
  Atomics.store(words, 2, rings);
  Atomics.store(words, 3, geometry.slots);
  Atomics.store(words, 4, geometry.readers);
  Atomics.store(words, 5, geometry.slotBytes);
  Atomics.store(words, 6, geometry.maxFrames);
  Atomics.store(words, 0, MAGIC);
}

/** Reads and checks a region's header; throws ShmRingError for anything that is not a whole ring region. */
export function readRegionHeader(name: string, bytes: Buffer): { geometry: RingGeometry; rings: number } {
  const words = wordsOf(bytes);
  if (bytes.byteLength < HEADER_BYTES || Atomics.load(words, 0) !== MAGIC || Atomics.load(words, 1) !== VERSION) {
    throw new ShmRingError(`region ${name} is not a stallbench ring`);
  }
  const rings = Atomics.load(words, 2);
  const geometry: RingGeometry = {
    slots: Atomics.load(words, 3),
    readers: Atomics.load(words, 4),
    slotBytes: Atomics.load(words, 5),
    maxFrames: Atomics.load(words, 6),
  };
  const sane =
    rings >= 1 &&
    geometry.slots >= 1 &&
    geometry.readers <= MAX_RING_READERS &&
    geometry.maxFrames <= MAX_RING_FRAMES &&
    geometry.slotBytes % 64 === 0 &&
    geometry.slotBytes > ringLayout(geometry, 0).tableBytes;
  if (!sane || regionByteLength(geometry, rings) > bytes.byteLength) throw new ShmRingError(`region ${name} has a corrupt header`);
  return { geometry, rings };
}

/** The sequence number as stored: 1..2^32-1, so that 0 always means "never written". */
export const stampOf = (seq: number): number => ((seq - 1) % 0xffffffff) + 1;
/** The slot message `seq` (counted from 1) goes to. */
export const slotOf = (layout: RingLayout, seq: number): number => (seq - 1) % layout.slots;
const seqWord = (layout: RingLayout, slot: number): number => (layout.base + slot * layout.controlStride) / 4;
const releasedWord = (layout: RingLayout, slot: number, reader: number): number => seqWord(layout, slot) + 1 + reader;

/** Readers that still hold the message in `slot` (have not released it). */
export function holdersOf(words: Uint32Array, layout: RingLayout, slot: number): number[] {
  const stamp = Atomics.load(words, seqWord(layout, slot));
  if (stamp === 0) return [];
  const out: number[] = [];
  for (let r = 0; r < layout.readers; r++) if (Atomics.load(words, releasedWord(layout, slot, r)) !== stamp) out.push(r);
  return out;
}

/** True when the writer may fill `slot`: never written, or released by every reader. */
export function isFree(words: Uint32Array, layout: RingLayout, slot: number): boolean {
  const stamp = Atomics.load(words, seqWord(layout, slot));
  if (stamp === 0) return true;
  for (let r = 0; r < layout.readers; r++) if (Atomics.load(words, releasedWord(layout, slot, r)) !== stamp) return false;
  return true;
}

/** Makes message `seq` visible to readers: the store comes after its bytes and frame table are in place. */
export function publish(words: Uint32Array, layout: RingLayout, seq: number): void {
  Atomics.store(words, seqWord(layout, slotOf(layout, seq)), stampOf(seq));
}

/** True once message `seq` is in its slot. */
export function isPublished(words: Uint32Array, layout: RingLayout, seq: number): boolean {
  return Atomics.load(words, seqWord(layout, slotOf(layout, seq))) === stampOf(seq);
}

/** Tells the writer that `reader` is done with message `seq`. */
export function markReleased(words: Uint32Array, layout: RingLayout, reader: number, seq: number): void {
  Atomics.store(words, releasedWord(layout, slotOf(layout, seq), reader), stampOf(seq));
}

/** Byte offset in the region of a slot's first frame byte. */
export const frameAreaOf = (layout: RingLayout, slot: number): number => layout.slotsStart + slot * layout.slotBytes + layout.tableBytes;

const tableOf = (layout: RingLayout, slot: number): number => layout.slotsStart + slot * layout.slotBytes;

/**
 * Writes a slot's frame table (plain stores: the publishing Atomics.store orders them before any reader looks), through
 * `words`, the region's word view (wordsOf): Buffer's checked writes cost a microsecond a message here.
 */
export function writeTable(bytes: Buffer, words: Uint32Array, layout: RingLayout, slot: number, table: SlotTable): void {
  if (table.places.length > layout.maxFrames) throw new ShmRingError(`a message of ${table.places.length} frames exceeds the table of ${layout.maxFrames}`);
  const at = tableOf(layout, slot);
  const name = table.overflowName ?? '';
  if (name.length > NAME_BYTES) throw new ShmRingError(`overflow region name ${name} is too long`);
  const head = at / 4;
  words[head] = table.places.length;
  words[head + 1] = name.length;
  if (name.length > 0) bytes.write(name, at + 16, 'latin1');
  let entry = head + TABLE_HEAD / 4;
  for (const place of table.places) {
    words[entry] = place.where === 'slot' ? 0 : 1;
    words[entry + 1] = place.offset;
    words[entry + 2] = place.length;
    entry += ENTRY_BYTES / 4;
  }
}

/** Reads a slot's frame table through the region's word view; throws ShmRingError for counts or slot frames outside the slot. */
export function readTable(bytes: Buffer, words: Uint32Array, layout: RingLayout, slot: number): SlotTable {
  const at = tableOf(layout, slot);
  const head = at / 4;
  const count = words[head] as number;
  const nameLength = words[head + 1] as number;
  if (count > layout.maxFrames || nameLength > NAME_BYTES) throw new ShmRingError(`slot ${slot} has a corrupt frame table`);
  const entries = head + TABLE_HEAD / 4;
  const places: FramePlace[] = [];
  for (let i = 0; i < count; i++) {
    const where = words[entries + 3 * i] === 0 ? 'slot' : 'overflow';
    const offset = words[entries + 3 * i + 1] as number;
    const length = words[entries + 3 * i + 2] as number;
    if (where === 'slot' && offset + length > layout.capacity) throw new ShmRingError(`slot ${slot}: frame ${i} lies outside the slot`);
    places.push({ where, offset, length });
  }
  return { places, overflowName: nameLength === 0 ? null : bytes.toString('latin1', at + 16, at + 16 + nameLength) };
}

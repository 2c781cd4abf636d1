import { align } from '../shm/ring.js';
import { forgetRegion, newRegionName, type ShmBackend } from '../shm/region.js';
import { ShmRingError } from './errors.js';

/** A shared region mapped into this process. */
export interface MappedRegion {
  name: string;
  bytes: Buffer;
  /** Drops this process's mapping; no view into `bytes` may be used after it. */
  unmap(): void;
}

/**
 * The writer's overflow regions, one per slot: a message larger than its slot puts frames in its slot's region, so the
 * slot's read flags release both, and two messages in flight never share overflow bytes. A region is replaced (the old
 * name unlinked) when a message outgrows it, with headroom so a message that grows a little each step does not do so
 * every step.
 */
export interface OverflowRegions {
  /** The slot's region, or null before any message of that slot overflowed. */
  current(slot: number): MappedRegion | null;
  /** The slot's region if it holds `byteLength` bytes, else a new, larger one in its place. Only for a free slot. */
  ensure(slot: number, byteLength: number): MappedRegion;
  /** A new region of at least `byteLength` bytes in place of the slot's region, even where that one would hold them. */
  replace(slot: number, byteLength: number): MappedRegion;
  /** Unmaps the regions replaced since the last call: a send calls it once its frames are copied out of them. */
  reap(): void;
  /** Unlinks and unmaps every region. */
  close(): void;
}

const GROWTH = 1.25;
const PAGE = 4096;

/** Creates the writer's overflow regions through `backend` (a mapping backend). */
export function createOverflowRegions(slots: number, backend: ShmBackend): OverflowRegions {
  const regions: (MappedRegion | null)[] = Array.from({ length: slots }, () => null);
  // Every slot's region is made as large as the largest need seen, so the slots after the first big message do not regrow one by one.
  let largest = 0;
  // Replaced regions, unlinked but still mapped: a lease's frames in them are copied out by the send that replaced them.
  const retired: MappedRegion[] = [];
  const reap = (): void => {
    for (const region of retired.splice(0)) region.unmap();
  };
  const replace = (slot: number, byteLength: number): MappedRegion => {
    const old = regions[slot] ?? null;
    if (old !== null) {
      // The slot is free, so no reader holds a view of it; unmapped at the next reap, or its pages would stay resident.
      forgetRegion(old.name);
      retired.push(old);
      regions[slot] = null;
    }
    largest = Math.max(largest, byteLength);
    const name = newRegionName();
    const region = backend.create(name, align(Math.ceil(largest * GROWTH), PAGE));
    const bytes = region.bytes;
    if (bytes === null) {
      forgetRegion(name);
      region.close();
      throw new ShmRingError(`backend ${backend.kind} cannot map overflow region ${name}`);
    }
    const made = { name, bytes, unmap: () => region.close() };
    regions[slot] = made;
    return made;
  };
  return {
    current: (slot) => regions[slot] ?? null,
    ensure: (slot, byteLength) => {
      const region = regions[slot] ?? null;
      return region !== null && region.bytes.byteLength >= byteLength ? region : replace(slot, byteLength);
    },
    replace,
    reap,
    close: () => {
      reap();
      for (const region of regions) {
        if (region === null) continue;
        forgetRegion(region.name);
        region.unmap();
      }
      regions.fill(null);
    },
  };
}

/** A reader's mapping of each slot's overflow region, kept while the writer keeps the same region for that slot. */
export interface OverflowAttachments {
  /** The mapping of the region `name` that `slot`'s message names; throws ShmRingError when it does not exist. */
  get(slot: number, name: string): Buffer;
  /** Unmaps every attached region. */
  close(): void;
}

/** Creates a reader's cache of overflow mappings. */
export function createOverflowAttachments(slots: number, backend: ShmBackend): OverflowAttachments {
  const attached: (MappedRegion | null)[] = Array.from({ length: slots }, () => null);
  return {
    get: (slot, name) => {
      const held = attached[slot] ?? null;
      if (held?.name === name) return held.bytes;
      const region = backend.attach(name);
      const bytes = region?.bytes ?? null;
      if (region === null || bytes === null) {
        region?.close();
        throw new ShmRingError(`overflow region ${name} does not exist`);
      }
      // The slot's previous message was released before this one was read, so its region's views are out of use.
      held?.unmap();
      attached[slot] = { name, bytes, unmap: () => region.close() };
      return bytes;
    },
    close: () => {
      for (const held of attached) held?.unmap();
      attached.fill(null);
    },
  };
}

import type { FrameAllocator } from './types.js';

/** Fresh memory for every frame: what an encoder does when nobody recycles its buffers. */
export const FRESH_ALLOCATOR: FrameAllocator = { allocate: (byteLength) => Buffer.allocUnsafeSlow(byteLength) };

/** An allocator whose buffers stay reserved until `release()`: one lease per message in flight. */
export interface FrameLease extends FrameAllocator {
  /** Returns every buffer this lease handed out to the pool; call it once every rank holds the message. */
  release(): void;
}

/** Buffers recycled between messages, as an engine keeps its send buffers. */
export interface FramePool {
  lease(): FrameLease;
  /** Buffers the pool owns, held or free. */
  readonly buffers: number;
  /** Buffers allocated since the pool was made: stays flat once the pool is warm. */
  readonly allocations: number;
}

interface Slot {
  buffer: Buffer;
  held: boolean;
}

// Headroom so a message that grows by a few tokens a step keeps fitting the buffer it had.
const GROWTH = 1.25;
const PAGE = 4096;

/** Creates a pool that never hands out a buffer a lease still holds. */
export function createFramePool(): FramePool {
  const slots: Slot[] = [];
  let allocations = 0;
  const take = (byteLength: number): Slot => {
    let best: Slot | undefined;
    for (const slot of slots) {
      if (!slot.held && slot.buffer.byteLength >= byteLength && (best === undefined || slot.buffer.byteLength < best.buffer.byteLength)) best = slot;
    }
    if (best !== undefined) return best;
    // A free buffer too small for this message is replaced rather than kept beside a bigger one.
    const small = slots.findIndex((slot) => !slot.held);
    if (small >= 0) slots.splice(small, 1);
    allocations++;
    const slot = { buffer: Buffer.allocUnsafeSlow(Math.ceil((byteLength * GROWTH) / PAGE) * PAGE), held: false };
    slots.push(slot);
    return slot;
  };
  return {
    lease: () => {
      const mine: Slot[] = [];
      return {
        allocate: (byteLength) => {
          const slot = take(byteLength);
          slot.held = true;
          mine.push(slot);
          return slot.buffer.subarray(0, byteLength);
        },
        release: () => {
          for (const slot of mine) slot.held = false;
          mine.length = 0;
        },
      };
    },
    get buffers() {
      return slots.length;
    },
    get allocations() {
      return allocations;
    },
  };
}

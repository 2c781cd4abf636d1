import { describe, expect, it } from 'vitest';
import { ShmRingError } from '../../src/transport/errors.js';
import {
  frameAreaOf,
  holdersOf,
  isFree,
  isPublished,
  markReleased,
  publish,
  readRegionHeader,
  readTable,
  regionByteLength,
  ringAt,
  slotOf,
  stampOf,
  wordsOf,
  writeRegionHeader,
  writeTable,
  type RingGeometry,
} from '../../src/transport/shm-ring-layout.js';

const geometry: RingGeometry = { slots: 3, readers: 2, slotBytes: 4096, maxFrames: 8 };
const region = (rings = 1): Buffer => {
  const bytes = Buffer.alloc(regionByteLength(geometry, rings));
  writeRegionHeader(wordsOf(bytes), geometry, rings);
  return bytes;
};

describe('shm-ring layout', () => {
  it('lays rings and slots out on cache lines, inside the region', () => {
    const bytes = region(2);
    const [a, b] = [ringAt(geometry, 0), ringAt(geometry, 1)];
    expect(a.controlStride).toBe(64);
    expect(b.base).toBe(a.slotsStart + geometry.slots * geometry.slotBytes);
    expect([a.base, a.slotsStart, b.base, b.slotsStart, a.tableBytes].every((n) => n % 64 === 0)).toBe(true);
    expect(frameAreaOf(b, 2) + b.capacity).toBe(bytes.byteLength);
    expect(readRegionHeader('/r', bytes)).toEqual({ geometry, rings: 2 });
  });

  it('refuses a region that is not a ring, or smaller than its header says', () => {
    expect(() => readRegionHeader('/r', Buffer.alloc(4096))).toThrow(ShmRingError);
    expect(() => readRegionHeader('/r', region(2).subarray(0, regionByteLength(geometry, 1)))).toThrow(/corrupt header/);
  });

  it('numbers messages from 1 and never stores 0, past 2^32 messages too', () => {
    expect([1, 2, 0xffffffff, 0x100000000, 0x100000001].map(stampOf)).toEqual([1, 2, 0xffffffff, 1, 2]);
    const layout = ringAt(geometry, 0);
    expect([1, 2, 3, 4].map((seq) => slotOf(layout, seq))).toEqual([0, 1, 2, 0]);
  });

  it('frees a slot only once every reader has released the message in it', () => {
    const bytes = region();
    const words = wordsOf(bytes);
    const layout = ringAt(geometry, 0);
    expect(isFree(words, layout, 0)).toBe(true);
    publish(words, layout, 1);
    expect(isPublished(words, layout, 1)).toBe(true);
    expect(isPublished(words, layout, 4)).toBe(false);
    expect(holdersOf(words, layout, 0)).toEqual([0, 1]);
    markReleased(words, layout, 1, 1);
    expect(holdersOf(words, layout, 0)).toEqual([0]);
    expect(isFree(words, layout, 0)).toBe(false);
    markReleased(words, layout, 0, 1);
    expect(isFree(words, layout, 0)).toBe(true);
    // The next message in that slot is held again by both readers, whose released words still name the old one.
    publish(words, layout, 4);
    expect(holdersOf(words, layout, 0)).toEqual([0, 1]);
  });

  it('writes and reads a frame table, and refuses one that points outside its slot', () => {
    const bytes = region();
    const layout = ringAt(geometry, 0);
    const table = {
      places: [
        { where: 'slot' as const, offset: 0, length: 5 },
        { where: 'overflow' as const, offset: 64, length: 1 << 20 },
      ],
      overflowName: '/stallbench-1-0123456789ab',
    };
    writeTable(bytes, wordsOf(bytes), layout, 1, table);
    expect(readTable(bytes, wordsOf(bytes), layout, 1)).toEqual(table);
    writeTable(bytes, wordsOf(bytes), layout, 2, { places: [{ where: 'slot', offset: layout.capacity - 4, length: 8 }], overflowName: null });
    expect(() => readTable(bytes, wordsOf(bytes), layout, 2)).toThrow(/outside the slot/);
    expect(() => writeTable(bytes, wordsOf(bytes), layout, 0, { places: Array(9).fill(table.places[0]), overflowName: null })).toThrow(/exceeds the table of 8/);
  });
});

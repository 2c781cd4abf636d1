import { ShmRingError } from './errors.js';
import { frameAreaOf, isPublished, markReleased, readTable, slotOf, type RingLayout } from './shm-ring-layout.js';
import type { OverflowAttachments } from './shm-ring-overflow.js';

/** The reading end of one ring, for one reader. */
export interface RingReader {
  /** True once the next message is in its slot. */
  ready(): boolean;
  /**
   * The next message's frames as views straight into shared memory (no copy); call only once ready() holds. The slot
   * stays held, and the views valid, until release().
   */
  take(): Buffer[];
  /** Lets the writer reuse the slot of the message taken last; safe to call twice. */
  release(): void;
}

/** Where one ring lies and which of its readers this is. */
export interface RingReaderSetup {
  bytes: Buffer;
  words: Uint32Array;
  layout: RingLayout;
  /** This reader's index in [0, layout.readers). */
  reader: number;
  /** Mappings of the writer's overflow regions; null for a ring without overflow. */
  overflow: OverflowAttachments | null;
}

/** Creates a reader that takes the ring's messages in order from the first. */
export function createRingReader({ bytes, words, layout, reader, overflow }: RingReaderSetup): RingReader {
  if (!Number.isInteger(reader) || reader < 0 || reader >= layout.readers) throw new ShmRingError(`reader ${reader} outside a ring of ${layout.readers} readers`);
  let seq = 1;
  let held: number | null = null;
  return {
    ready: () => isPublished(words, layout, seq),
    take: () => {
      const slot = slotOf(layout, seq);
      const { places, overflowName } = readTable(bytes, words, layout, slot);
      const area = bytes.byteOffset + frameAreaOf(layout, slot);
      let spill: Buffer | null = null;
      const frames: Buffer[] = [];
      for (let i = 0; i < places.length; i++) {
        const place = places[i] as (typeof places)[number];
        if (place.where === 'slot') {
          frames.push(Buffer.from(bytes.buffer, area + place.offset, place.length));
          continue;
        }
        spill ??= resolveOverflow(slot, overflowName);
        if (place.offset + place.length > spill.byteLength) throw new ShmRingError(`slot ${slot}: frame ${i} lies outside its overflow region`);
        frames.push(Buffer.from(spill.buffer, spill.byteOffset + place.offset, place.length));
      }
      held = seq;
      seq++;
      return frames;
    },
    release: () => {
      if (held === null) return;
      markReleased(words, layout, reader, held);
      held = null;
    },
  };

  function resolveOverflow(slot: number, name: string | null): Buffer {
    if (overflow === null || name === null) throw new ShmRingError(`slot ${slot} names no overflow region for its overflow frames`);
    return overflow.get(slot, name);
  }
}

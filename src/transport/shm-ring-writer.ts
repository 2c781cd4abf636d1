import { align } from '../shm/ring.js';
import type { FrameLease } from '../codecs/frame-pool.js';
import { ShmRingError, TransportClosedError, TransportTimeoutError } from './errors.js';
import { frameAreaOf, holdersOf, isFree, publish, slotOf, writeTable, type FramePlace, type RingLayout } from './shm-ring-layout.js';
import type { MappedRegion, OverflowRegions } from './shm-ring-overflow.js';
import { waitUntil, type WaitPolicy } from './shm-ring-wait.js';

/** What a writer has sent, and how much of it it had to copy. */
export interface WriterStats {
  messages: number;
  /** Frames that already lay in the slot or overflow memory a lease handed out: sent without a copy. */
  inPlaceFrames: number;
  inPlaceBytes: number;
  /** Frames copied into the ring. */
  copiedFrames: number;
  copiedBytes: number;
  /** Messages with at least one frame in an overflow region. */
  overflowMessages: number;
}

/** The writing end of one ring. */
export interface RingWriter {
  /** Memory inside the next message's slot (and its overflow region) for an encoder, or null while a reader still holds that slot. */
  lease(): FrameLease | null;
  /** Waits (up to timeoutMs) until every reader has released the next slot, puts the frames there, then publishes them; a free slot is published before it returns. */
  send(frames: readonly Uint8Array[], timeoutMs: number): Promise<void>;
  readonly stats: Readonly<WriterStats>;
  /** Stops waits in flight and unlinks the overflow regions. */
  close(): void;
}

/** Where one ring lies and how its writer waits. */
export interface RingWriterSetup {
  bytes: Buffer;
  words: Uint32Array;
  layout: RingLayout;
  /** Regions for messages larger than a slot; null: such messages are refused with ShmRingError. */
  overflow: OverflowRegions | null;
  policy: WaitPolicy;
}

interface LeaseState {
  seq: number;
  slotUsed: number;
  overflow: MappedRegion | null;
  overflowUsed: number;
}

interface Placed {
  frame: Uint8Array;
  place: FramePlace;
  copy: boolean;
}

const within = (frame: Uint8Array, area: Buffer, start: number, length: number): boolean =>
  frame.buffer === area.buffer && frame.byteOffset >= area.byteOffset + start && frame.byteOffset + frame.byteLength <= area.byteOffset + start + length;

const SENT: Promise<void> = Promise.resolve();

/** Creates the writer of a ring whose messages are numbered from 1. */
export function createRingWriter({ bytes, words, layout, overflow, policy }: RingWriterSetup): RingWriter {
  let seq = 1;
  let closed = false;
  let leased: LeaseState | null = null;
  const stats: WriterStats = { messages: 0, inPlaceFrames: 0, inPlaceBytes: 0, copiedFrames: 0, copiedBytes: 0, overflowMessages: 0 };

  const lease = (): FrameLease | null => {
    const slot = slotOf(layout, seq);
    if (closed || !isFree(words, layout, slot)) return null;
    const state: LeaseState = { seq, slotUsed: 0, overflow: null, overflowUsed: 0 };
    leased = state;
    const area = frameAreaOf(layout, slot);
    return {
      allocate: (byteLength) => {
        // A lease replaced by a newer one, or already sent, hands out plain memory; send copies it.
        if (leased !== state) return Buffer.allocUnsafeSlow(byteLength);
        if (state.slotUsed + byteLength <= layout.capacity) {
          const view = bytes.subarray(area + state.slotUsed, area + state.slotUsed + byteLength);
          state.slotUsed = align(state.slotUsed + byteLength, 8);
          return view;
        }
        if (overflow === null) return Buffer.allocUnsafeSlow(byteLength);
        if (state.overflow === null) state.overflow = overflow.ensure(slot, byteLength);
        if (state.overflowUsed + byteLength > state.overflow.bytes.byteLength) return Buffer.allocUnsafeSlow(byteLength);
        const view = state.overflow.bytes.subarray(state.overflowUsed, state.overflowUsed + byteLength);
        state.overflowUsed = align(state.overflowUsed + byteLength, 8);
        return view;
      },
      // Readers release the slot through their read flags: nothing is held here.
      release: () => {
        if (leased === state) leased = null;
      },
    };
  };

  /** Decides where every frame goes: where a lease already put it, else copied after what the lease used. */
  const plan = (frames: readonly Uint8Array[], slot: number, state: LeaseState | null): { placed: Placed[]; region: MappedRegion | null } => {
    const area = frameAreaOf(layout, slot);
    let slotUsed = state?.slotUsed ?? 0;
    const placed: Placed[] = frames.map((frame) => {
      if (state !== null && within(frame, bytes, area, state.slotUsed)) {
        return { frame, place: { where: 'slot', offset: frame.byteOffset - bytes.byteOffset - area, length: frame.byteLength }, copy: false };
      }
      if (state?.overflow != null && within(frame, state.overflow.bytes, 0, state.overflowUsed)) {
        return { frame, place: { where: 'overflow', offset: frame.byteOffset - state.overflow.bytes.byteOffset, length: frame.byteLength }, copy: false };
      }
      if (slotUsed + frame.byteLength <= layout.capacity) {
        const place: FramePlace = { where: 'slot', offset: slotUsed, length: frame.byteLength };
        slotUsed = align(slotUsed + frame.byteLength, 8);
        return { frame, place, copy: true };
      }
      return { frame, place: { where: 'overflow', offset: -1, length: frame.byteLength }, copy: true };
    });
    const spilled = placed.filter((p) => p.place.where === 'overflow');
    if (spilled.length === 0) return { placed, region: null };
    if (overflow === null) {
      const total = frames.reduce((sum, f) => sum + align(f.byteLength, 8), 0);
      throw new ShmRingError(`a message of ${total} bytes does not fit a slot of ${layout.capacity} bytes, and this ring has no overflow`);
    }
    let region = state?.overflow ?? overflow.current(slot);
    let used = state?.overflow != null ? state.overflowUsed : 0;
    const needed = used + spilled.filter((p) => p.copy).reduce((sum, p) => sum + align(p.frame.byteLength, 8), 0);
    if (region === null || needed > region.bytes.byteLength) {
      // The region must grow: every overflow frame moves to a new one, those the lease put in the old one included.
      for (const p of spilled) p.copy = true;
      used = 0;
      region = overflow.replace(slot, spilled.reduce((sum, p) => sum + align(p.frame.byteLength, 8), 0));
    }
    for (const p of spilled) {
      if (!p.copy) continue;
      p.place = { where: 'overflow', offset: used, length: p.frame.byteLength };
      used = align(used + p.frame.byteLength, 8);
    }
    return { placed, region };
  };

  /** Puts a message in `slot`, which every reader has released, and publishes it. */
  const put = (frames: readonly Uint8Array[], slot: number): void => {
    const state = leased?.seq === seq ? leased : null;
    leased = null;
    const { placed, region } = plan(frames, slot, state);
    const area = frameAreaOf(layout, slot);
    for (const { frame, place, copy } of placed) {
      if (copy) {
        (place.where === 'slot' ? bytes : (region as MappedRegion).bytes).set(frame, place.where === 'slot' ? area + place.offset : place.offset);
        stats.copiedFrames++;
        stats.copiedBytes += frame.byteLength;
      } else {
        stats.inPlaceFrames++;
        stats.inPlaceBytes += frame.byteLength;
      }
    }
    writeTable(bytes, words, layout, slot, { places: placed.map((p) => p.place), overflowName: region?.name ?? null });
    // Every frame is in place: the regions this message's plan (or a lease) replaced can go.
    overflow?.reap();
    publish(words, layout, seq);
    seq++;
    stats.messages++;
    if (region !== null) stats.overflowMessages++;
  };

  const sendWhenFree = async (frames: readonly Uint8Array[], slot: number, timeoutMs: number): Promise<void> => {
    if (!(await waitUntil(() => isFree(words, layout, slot), timeoutMs, policy, { cancelled: () => closed }))) {
      if (closed) throw new TransportClosedError('send');
      throw new TransportTimeoutError('send', timeoutMs, `reader(s) ${holdersOf(words, layout, slot).join(', ')} still hold slot ${slot}`);
    }
    put(frames, slot);
  };

  // A free slot is filled and published before send returns: a step's message reaches the readers without waiting
  // for a turn of the microtask queue (~1 µs per hop here), which the empty-message floor would count as transfer.
  const send = (frames: readonly Uint8Array[], timeoutMs: number): Promise<void> => {
    try {
      if (closed) throw new TransportClosedError('send');
      if (frames.length > layout.maxFrames) throw new ShmRingError(`a message of ${frames.length} frames exceeds the table of ${layout.maxFrames}`);
      const slot = slotOf(layout, seq);
      if (!isFree(words, layout, slot)) return sendWhenFree(frames, slot, timeoutMs);
      put(frames, slot);
      return SENT;
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };

  return {
    lease,
    send,
    stats,
    close: () => {
      closed = true;
      leased = null;
      overflow?.close();
    },
  };
}

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { heldMappingCount } from '../../src/shm/region.js';
import { OptionsError } from '../../src/errors.js';
import { ShmRingError, TransportClosedError, TransportTimeoutError } from '../../src/transport/errors.js';
import { connectShmRingRank, openShmRingScheduler } from '../../src/transport/shm-ring.js';
import { frameAreaOf, regionByteLength, ringAt, type RingGeometry } from '../../src/transport/shm-ring-layout.js';
import { answerOf, bytesOf, cleanUp, openScheduler, ownRegions, startPeer } from './peers.js';

const scheduler = openScheduler;
afterEach(cleanUp);

const sha = (frame: Uint8Array): string => createHash('sha256').update(frame).digest('hex');
const SLOT_BYTES = 64 << 10;
const geometry = (slots: number): RingGeometry => ({ slots, readers: 1, slotBytes: SLOT_BYTES, maxFrames: 64 });
/** Where a frame copied to `offset` of message `seq`'s slot lies in the steps mapping. */
const slotOffset = (slots: number, seq: number, offset: number): number => frameAreaOf(ringAt(geometry(slots), 0), (seq - 1) % slots) + offset;

describe('shm-ring transport between two processes', () => {
  it('carries small, exactly-slot-sized and overflow messages byte-exactly, as views into shared memory', async () => {
    const s = scheduler(1, 10_000, { slots: 2, slotBytes: SLOT_BYTES });
    const stepsBytes = regionByteLength(geometry(2), 1);
    await startPeer('echo', s.address);
    const cap = s.slotCapacity;
    const messages = [
      [bytesOf(100, 1)],
      [bytesOf(cap, 2)],
      [bytesOf(3, 3), bytesOf(0, 4), bytesOf(13, 5), bytesOf(8, 6)],
      [bytesOf(5 * cap, 7)],
      [bytesOf(3 * cap + 1, 8), bytesOf(10, 9)],
    ];
    const answers = [];
    for (const frames of messages) {
      await s.send(frames);
      answers.push(await answerOf(s));
    }
    answers.forEach((a, i) => {
      expect(a.lengths).toEqual(messages[i]?.map((f) => f.byteLength));
      expect(a.sha256).toEqual(messages[i]?.map(sha));
    });
    // Frames that fit lie in their slot, 8-byte aligned one after the other: the rank's views are the slot itself.
    expect(answers[0]?.views).toEqual([{ arrayBytes: stepsBytes, byteOffset: slotOffset(2, 1, 0) }]);
    expect(answers[1]?.views).toEqual([{ arrayBytes: stepsBytes, byteOffset: slotOffset(2, 2, 0) }]);
    expect(answers[2]?.views.map((v) => v.byteOffset)).toEqual([0, 8, 8, 24].map((o) => slotOffset(2, 3, o)));
    // Larger messages go to their slot's overflow region: another mapping, as large as the message at least.
    const regionSizes = ownRegions().map((f) => statSync(`/dev/shm/${f}`).size - 8);
    for (const view of [answers[3]?.views[0], answers[4]?.views[0]]) {
      expect(view?.arrayBytes).toBeGreaterThanOrEqual(3 * cap);
      expect(regionSizes).toContain(view?.arrayBytes);
    }
    // The small frame after an overflowing one still fits its slot.
    expect(answers[4]?.views[1]).toEqual({ arrayBytes: stepsBytes, byteOffset: slotOffset(2, 5, 0) });
    expect(s.stats).toMatchObject({ messages: 5, copiedFrames: 9, inPlaceFrames: 0, overflowMessages: 2 });
  });

  it('reuses slots in turn once the reader has released them', async () => {
    const s = scheduler(1, 10_000, { slots: 2, slotBytes: SLOT_BYTES });
    await startPeer('echo', s.address);
    const offsets: number[] = [];
    for (let i = 0; i < 8; i++) {
      const frame = bytesOf(64 + i, 100 + i);
      await s.send([frame]);
      const a = await answerOf(s);
      expect(a.sha256).toEqual([sha(frame)]);
      offsets.push(a.views[0]?.byteOffset ?? -1);
    }
    expect(offsets).toEqual(Array.from({ length: 8 }, (_, i) => slotOffset(2, i + 1, 0)));
    expect(new Set(offsets).size).toBe(2);
  });

  it('never overwrites a held slot: the writer waits, and sends once the reader lets go', async () => {
    const s = scheduler(1, 20_000, { slots: 2, slotBytes: SLOT_BYTES });
    const peer = await startPeer('hold', s.address);
    // Two large messages in flight at once: each in its own slot and overflow region.
    const a = [bytesOf(4 * s.slotCapacity, 11)];
    const b = [bytesOf(2 * s.slotCapacity, 12)];
    const c = [bytesOf(100, 13)];
    await s.send(a);
    expect((await answerOf(s)).sha256).toEqual(a.map(sha));
    await s.send(b);
    // Message c goes to a's slot, which the peer still holds.
    const sentC = s.send(c);
    peer.send('next');
    const held = await answerOf(s);
    expect(held.after).toEqual(a.map(sha));
    await sentC;
    expect((await answerOf(s)).sha256).toEqual(b.map(sha));
    peer.send('next');
    expect((await answerOf(s)).after).toEqual(b.map(sha));
    expect((await answerOf(s)).sha256).toEqual(c.map(sha));
  });

  it('times out a send when every slot is held by a reader that never receives', async () => {
    const s = scheduler(1, 300, { slots: 2, slotBytes: SLOT_BYTES });
    await startPeer('idle', s.address);
    await s.send([bytesOf(10, 1)]);
    await s.send([bytesOf(10, 2)]);
    expect(s.lease()).toBeNull();
    const error = await s.send([bytesOf(10, 3)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportTimeoutError);
    expect(error).toMatchObject({ operation: 'send', timeoutMs: 300 });
    expect((error as Error).message).toMatch(/reader\(s\) 0 still hold slot 0/);
  });

  it('gives up on a reader that died holding a slot, at the send timeout', async () => {
    const s = scheduler(1, 300, { slots: 2, slotBytes: SLOT_BYTES });
    const peer = await startPeer('hold', s.address);
    await s.send([bytesOf(10, 1)]);
    await answerOf(s);
    const gone = once(peer, 'exit');
    peer.kill('SIGKILL');
    await gone;
    await s.send([bytesOf(10, 2)]);
    await expect(s.send([bytesOf(10, 3)])).rejects.toBeInstanceOf(TransportTimeoutError);
  });

  it('returns answers from every rank, whichever answers first', async () => {
    const s = scheduler(2, 10_000, { slots: 2, slotBytes: SLOT_BYTES });
    await startPeer('echo', s.address, 1);
    await startPeer('echo', s.address, 2);
    const frame = bytesOf(32, 5);
    await s.send([frame]);
    const answers = [await answerOf(s), await answerOf(s)];
    expect(answers.map((a) => a.sha256)).toEqual([[sha(frame)], [sha(frame)]]);
    expect(await s.receive(10)).toBeNull();
  });
});

describe('shm-ring transport, one process', () => {
  it('refuses what it cannot carry with typed errors', async () => {
    const s = scheduler(1, 1000, { slots: 2, slotBytes: SLOT_BYTES, maxFrames: 2, ackSlotBytes: 1024 });
    await expect(s.send([bytesOf(1, 1), bytesOf(1, 2), bytesOf(1, 3)])).rejects.toThrow(ShmRingError);
    const rank = connectShmRingRank(s.address, 1000, 1);
    await expect(rank.send(bytesOf(2048, 1))).rejects.toThrow(/does not fit a slot/);
    expect(() => connectShmRingRank(s.address, 1000, 2)).toThrow(ShmRingError);
    expect(() => connectShmRingRank({ ...s.address, steps: '/stallbench-1-000000000000' }, 1000, 1)).toThrow(/does not exist/);
    rank.close();
  });

  it('checks its options before making any region', () => {
    const before = ownRegions();
    expect(() => openShmRingScheduler(1, 1000, { slots: 1 })).toThrow(OptionsError);
    expect(() => openShmRingScheduler(1, 1000, { slotBytes: 5000 })).toThrow(/multiple of 64/);
    expect(() => openShmRingScheduler(1, 1000, { wait: { sleepMinUs: 500, sleepMaxUs: 100 } })).toThrow(OptionsError);
    expect(() => openShmRingScheduler(0, 1000)).toThrow(OptionsError);
    expect(ownRegions()).toEqual(before);
  });

  it('records its wait policy in the address the ranks get', () => {
    const s = scheduler(1, 1000, { wait: { spinUs: 7, sleepMaxUs: 300 } });
    expect(s.address.wait).toEqual({ spinUs: 7, sleepMinUs: 50, sleepMaxUs: 300, activeMs: 100, yieldEveryMs: 2 });
  });

  it('unlinks every region it made, overflow included, on close, and refuses use afterwards', async () => {
    const before = ownRegions();
    const s = openShmRingScheduler(1, 1000, { slots: 2, slotBytes: SLOT_BYTES });
    const rank = connectShmRingRank(s.address, 1000, 1);
    await s.send([bytesOf(3 * s.slotCapacity, 1)]);
    const frames = await rank.receive();
    expect(frames?.[0]?.equals(bytesOf(3 * s.slotCapacity, 1))).toBe(true);
    expect(ownRegions().length).toBe(before.length + 3);
    s.close();
    s.close();
    rank.close();
    expect(ownRegions()).toEqual(before);
    await expect(s.send([bytesOf(1, 1)])).rejects.toBeInstanceOf(TransportClosedError);
    await expect(s.receive(10)).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('unmaps each overflow region it outgrows, on both ends, and every mapping on close', async () => {
    const before = heldMappingCount();
    const s = openShmRingScheduler(1, 1000, { slots: 2, slotBytes: SLOT_BYTES });
    const rank = connectShmRingRank(s.address, 1000, 1);
    for (let i = 1; i <= 8; i++) {
      // Each message outgrows every overflow region so far, so each slot's region is replaced every time it comes round.
      const message = bytesOf((i + 1) * s.slotCapacity, i);
      await s.send([message]);
      expect((await rank.receive())?.[0]?.equals(message)).toBe(true);
      // Steps and answers regions, plus at most one overflow region per slot (both ends share one mapping per name).
      expect(heldMappingCount()).toBeLessThanOrEqual(before + 2 + 2);
    }
    rank.close();
    s.close();
    expect(heldMappingCount()).toBe(before);
  });

  it('copies a lease’s overflow frames out of a region the same message outgrows before unmapping it', async () => {
    const s = openShmRingScheduler(1, 1000, { slots: 2, slotBytes: 4096 });
    const rank = connectShmRingRank(s.address, 1000, 1);
    const lease = s.lease();
    if (lease === null) throw new Error('no lease');
    // The first frame lands in the slot's overflow region; the second does not fit after it, so send must grow the
    // region and copy the first out of the old one, which stays mapped until then.
    const first = lease.allocate(64 << 10).fill(7);
    const second = lease.allocate(8 << 20).fill(9);
    await s.send([first, second]);
    const frames = await rank.receive();
    expect(frames?.map((f) => [f.byteLength, f[0], f[f.byteLength - 1]])).toEqual([
      [64 << 10, 7, 7],
      [8 << 20, 9, 9],
    ]);
    rank.close();
    s.close();
  });

  it('publishes into a free slot before send returns, and a spinning rank takes it without yielding', async () => {
    const s = scheduler(1, 1000, { slots: 2, slotBytes: SLOT_BYTES, wait: { spinUs: 1000 } });
    const rank = connectShmRingRank(s.address, 5000, 1);
    expect(rank.receiveNow()).toBeNull();
    // Not awaited: the message must already be in shared memory when send returns.
    const message = [bytesOf(10, 3), bytesOf(20, 4)];
    const sent = s.send(message);
    expect(rank.receiveNow()?.map(sha)).toEqual(message.map(sha));
    await sent;
    // A receive after a spin that found nothing still gets the next message.
    expect(rank.receiveNow()).toBeNull();
    const next = bytesOf(5, 6);
    setImmediate(() => void s.send([next]));
    expect((await rank.receive())?.map(sha)).toEqual([sha(next)]);
    rank.close();
    s.close();
  });

  it('spins in stretches of one event-loop turn until its spin time is spent; a message sent between stretches is taken by the next', async () => {
    const s = scheduler(1, 1000, { slots: 2, slotBytes: SLOT_BYTES, wait: { spinUs: 5000, yieldEveryMs: 1 } });
    const rank = connectShmRingRank(s.address, 5000, 1);
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    let stretches = 0;
    while (rank.spinning()) {
      expect(rank.receiveNow()).toBeNull();
      stretches++;
      await turn();
    }
    expect(stretches).toBe(5);
    const first = bytesOf(5, 6);
    setImmediate(() => void s.send([first]));
    expect((await rank.receive())?.map(sha)).toEqual([sha(first)]);
    // Taking a message starts the next wait's spin afresh.
    expect(rank.spinning()).toBe(true);
    expect(rank.receiveNow()).toBeNull();
    const second = bytesOf(7, 8);
    setImmediate(() => void s.send([second]));
    await turn();
    expect(rank.receiveNow()?.map(sha)).toEqual([sha(second)]);
    rank.close();
    s.close();
  });

  it('gives a rank null after its idle timeout when nothing comes', async () => {
    const s = scheduler(1, 1000);
    const rank = connectShmRingRank(s.address, 30, 1);
    expect(await rank.receive()).toBeNull();
    rank.close();
  });

  it('counts the idle timeout from the start of a wait, its spin included: a spin longer than the timeout stops at it', async () => {
    const s = scheduler(1, 1000, { wait: { spinUs: 60_000_000, yieldEveryMs: 1 } });
    const rank = connectShmRingRank(s.address, 30, 1);
    const start = performance.now();
    while (rank.spinning()) {
      expect(rank.receiveNow()).toBeNull();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await rank.receive()).toBeNull();
    // 30 ms of idle timeout, not the minute of spin: a generous bound for a loaded machine still tells them apart.
    expect(performance.now() - start).toBeGreaterThanOrEqual(30);
    expect(performance.now() - start).toBeLessThan(20_000);
    rank.close();
  });
});

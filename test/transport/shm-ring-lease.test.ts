import { afterEach, describe, expect, it } from 'vitest';
import { encodeWith, inFormOf } from '../ctx-meta-form.js';
import { createCodec } from '../../src/codecs/registry.js';
import { messageFingerprint } from '../../src/message/fingerprint.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';
import type { ShmRingScheduler } from '../../src/transport/shm-ring.js';
import { answerOf, bytesOf, cleanUp, openScheduler, startPeer } from './peers.js';

const scheduler = (slots = 2): ShmRingScheduler => openScheduler(1, 10_000, { slots, slotBytes: 256 << 10 });
afterEach(cleanUp);

describe('shm-ring lease', () => {
  it.each([
    ['msgpack', 64],
    ['cbor', 64],
    ['flatbuffers', 64],
    ['msgpack', 8192],
    ['flatbuffers', 8192],
  ] as const)('%s at seqLen %i encodes into the ring and is sent without a copy; the rank decodes it exactly', async (name, seqLen) => {
    const s = scheduler();
    await startPeer('echo', s.address);
    const codec = createCodec(name);
    for (let step = 0; step < 3; step++) {
      const payload = { ...generateCtxMeta({ batch: 8, seqLen, seed: step }), stepId: step };
      const lease = s.lease();
      if (lease === null) throw new Error('no lease');
      const frames = encodeWith(codec, inFormOf(codec, payload), lease);
      const before = { ...s.stats };
      await s.send([Buffer.from(JSON.stringify({ codec: name })), ...frames]);
      // Only the small header frame, made outside the lease, is copied.
      expect(s.stats.inPlaceFrames - before.inPlaceFrames).toBe(frames.length);
      expect(s.stats.copiedFrames - before.copiedFrames).toBe(1);
      expect(s.stats.overflowMessages - before.overflowMessages).toBe(seqLen > 1024 ? 1 : 0);
      const answer = await answerOf(s);
      expect(answer.fingerprint).toBe(messageFingerprint(payload));
      // The rank's views lie where rank 0's encoder wrote: the same offsets in the same shared memory.
      expect(answer.views.slice(1).map((v) => v.byteOffset)).toEqual(frames.map((f) => f.byteOffset));
      lease.release();
    }
  });

  it('copies frames that do not lie in the current lease, and sends those that do in place', async () => {
    const s = scheduler(4);
    const first = s.lease();
    const stale = first?.allocate(16);
    const lease = s.lease();
    const fresh = lease?.allocate(16);
    if (stale === undefined || fresh === undefined) throw new Error('no lease');
    // A newer lease for the same message starts over: its memory is the same bytes the replaced one handed out.
    expect(fresh.byteOffset).toBe(stale.byteOffset);
    fresh.fill(7);
    await s.send([fresh, bytesOf(5, 1)]);
    expect(s.stats).toMatchObject({ inPlaceFrames: 1, copiedFrames: 1 });
    // Once sent, a lease hands out plain memory, and its old frames are copied like any other.
    expect(lease?.allocate(8).buffer).not.toBe(fresh.buffer);
    await s.send([fresh]);
    expect(s.stats).toMatchObject({ inPlaceFrames: 1, copiedFrames: 2 });
  });

  it('puts an allocation larger than the slot in the overflow region, and a small one after it in the slot', async () => {
    const s = scheduler();
    const lease = s.lease();
    const big = lease?.allocate(3 * s.slotCapacity);
    const small = lease?.allocate(100);
    if (big === undefined || small === undefined) throw new Error('no lease');
    expect(big.buffer.byteLength).toBeGreaterThanOrEqual(3 * s.slotCapacity);
    expect(small.buffer).not.toBe(big.buffer);
    expect(small.byteOffset % 8).toBe(0);
    await s.send([big, small]);
    expect(s.stats).toMatchObject({ inPlaceFrames: 2, copiedFrames: 0, overflowMessages: 1 });
  });
});

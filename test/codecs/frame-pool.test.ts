import { describe, expect, it } from 'vitest';
import { decodeToColumnar, encodeWith } from '../ctx-meta-form.js';
import { createFramePool } from '../../src/codecs/frame-pool.js';
import { createCborCodec } from '../../src/codecs/cbor.js';
import { createCtxMetaFlatbuffersCodec as createFlatbuffersCodec } from '../../src/kinds/ctx-meta/flatbuffers.js';
import { createMsgpackCodec } from '../../src/codecs/msgpack.js';
import { diffMessages } from '../../src/message/equal.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';

describe('the frame pool', () => {
  it('never hands out a buffer a lease still holds, and reuses it once released', () => {
    const pool = createFramePool();
    const a = pool.lease();
    const first = a.allocate(1000);
    const b = pool.lease();
    const second = b.allocate(1000);
    expect(second.buffer === first.buffer && second.byteOffset === first.byteOffset).toBe(false);
    a.release();
    const c = pool.lease();
    const third = c.allocate(900);
    // The released buffer is the smallest free one that fits: recycled, not a new allocation.
    expect(third.buffer).toBe(first.buffer);
    expect(pool.allocations).toBe(2);
  });

  it('replaces a free buffer that is too small instead of keeping both', () => {
    const pool = createFramePool();
    const a = pool.lease();
    a.allocate(10_000);
    a.release();
    const b = pool.lease();
    b.allocate(1_000_000);
    expect(pool.buffers).toBe(1);
    expect(pool.allocations).toBe(2);
  });

  it.each([
    ['msgpack', createMsgpackCodec],
    ['cbor', createCborCodec],
    ['flatbuffers', createFlatbuffersCodec],
  ] as const)('%s: a message still in flight keeps its bytes while the next ones are encoded from the same pool', (_, create) => {
    const codec = create();
    const pool = createFramePool();
    const [first, ...later] = [1, 2, 3].map((seed) => generateCtxMeta({ batch: 6, seqLen: 300, seed }));
    if (first === undefined) throw new Error('no payload');
    const inFlight = pool.lease();
    const held = encodeWith(codec, first, inFlight);
    // Steps that complete while the first is still held: their buffers are recycled between them.
    for (const p of later) {
      const lease = pool.lease();
      encodeWith(codec, p, lease);
      lease.release();
    }
    expect(diffMessages(first, decodeToColumnar(codec, held))).toBeNull();
    inFlight.release();
    expect(pool.allocations).toBeLessThanOrEqual(3);
  });
});

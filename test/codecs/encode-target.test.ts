import { describe, expect, it } from 'vitest';
import { packControl } from '../../src/broadcast/protocol.js';
import { createCborBoxedCodec, createCborCodec } from '../../src/codecs/cbor.js';
import { createFramePool } from '../../src/codecs/frame-pool.js';
import { createMsgpackBoxedCodec, createMsgpackCodec } from '../../src/codecs/msgpack.js';
import { toBoxed } from '../../src/kinds/ctx-meta/boxed.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';

const payload = generateCtxMeta({ batch: 3, seqLen: 40, seed: 1 });
const boxed = toBoxed(payload);

describe('encoding into a given target', () => {
  it('never leaves a library writing where an earlier frame still lies, whichever encodes come between', () => {
    const pool = createFramePool();
    const [msgpack, cbor, msgpackBoxed, cborBoxed] = [createMsgpackCodec(), createCborCodec(), createMsgpackBoxedCodec(), createCborBoxedCodec()];
    const kept = (frames: readonly Uint8Array[]): [Uint8Array, Buffer] => {
      const [frame] = frames;
      if (frame === undefined) throw new Error('no frame');
      return [frame, Buffer.from(frame)];
    };
    // Both libraries parked after encodes into a target; a boxed encode packs wherever its library was left.
    msgpack.encode(payload, pool.lease());
    cbor.encode(payload, pool.lease());
    const [cborFrame, cborCopy] = kept(cborBoxed.encode(boxed));
    packControl({ token: 'f'.repeat(32), kind: 'stop' });
    expect(Buffer.from(cborFrame)).toEqual(cborCopy);
    // The same library, parked again between a boxed encode and the next pack, which is long enough to reach past it.
    const [msgpackFrame, msgpackCopy] = kept(msgpackBoxed.encode(boxed));
    msgpack.encode(payload, pool.lease());
    packControl({ token: 'f'.repeat(32), kind: 'stop', pad: 'z'.repeat(3000) });
    expect(Buffer.from(msgpackFrame)).toEqual(msgpackCopy);
  });
});

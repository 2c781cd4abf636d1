import type { CtxMeta } from '../../src/kinds/ctx-meta/types.js';
import { describe, expect, it } from 'vitest';
import { benchCodec, RoundTripError } from '../../src/bench/codecs.js';
import { createJsonCodec } from '../../src/codecs/json.js';
import { createMsgpackCodec } from '../../src/codecs/msgpack.js';
import { createShmCodec } from '../../src/codecs/shm.js';
import type { ColumnarCodec } from '../../src/codecs/types.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';
import { messageByteLength } from '../../src/message/size.js';

const budget = { timeMs: 20, iterations: 3, warmupMs: 5 };

describe('benchCodec', () => {
  it('times a codec that writes into given memory in both regimes, each against its own floor', async () => {
    const payload = generateCtxMeta({ batch: 8, seqLen: 2048, seed: 1 });
    const rows = await benchCodec(createMsgpackCodec(), payload, { batch: 8, seqLen: 2048 }, budget);
    expect(rows.map((r) => r.regime)).toEqual(['reused', 'fresh']);
    for (const row of rows) {
      expect(row.allocation).toBe('caller');
      expect(row.slots).toBe(8 * 2048);
      expect(row.payloadBytes).toBe(messageByteLength(payload));
      // msgpack adds a few bytes of header per field and string to the raw arrays.
      expect(row.wireBytes).toBeGreaterThan(row.payloadBytes);
      expect(row.wireBytes).toBeLessThan(row.payloadBytes + 2048);
      expect(row.encode.n).toBeGreaterThanOrEqual(3);
      expect(row.encode.p99).toBeGreaterThanOrEqual(row.encode.p50);
      expect(row.encodeVsFloor).toBeCloseTo(row.encode.p50 / row.encodeFloor.p50, 6);
      expect(row.decodeVsMemcpy).toBeCloseTo(row.decode.p50 / row.memcpy.p50, 6);
    }
    // A fresh buffer per message costs at least the wire size in ArrayBuffer memory, which is counted exactly (the
    // pool that makes the reused regime allocation-free is tested on its own in test/codecs/frame-pool.test.ts).
    expect(rows[1]?.encodeAllocBytes).toBeGreaterThanOrEqual(rows[1]?.wireBytes ?? Infinity);
  });

  it('times a codec whose library allocates in the fresh regime only, and says so', async () => {
    const rows = await benchCodec(createJsonCodec(), generateCtxMeta({ batch: 2, seqLen: 64 }), { batch: 2, seqLen: 64 }, budget);
    expect(rows.map((r) => [r.regime, r.allocation])).toEqual([['fresh', 'library']]);
  });

  it('times the shm ring codec, whose slots are recycled, in the reused regime without reading a stale slot', async () => {
    const codec = createShmCodec({ slots: 4 });
    try {
      // More encodes than slots happen between any frame and its decode unless the bench orders them with care.
      const rows = await benchCodec(codec, generateCtxMeta({ batch: 4, seqLen: 256 }), { batch: 4, seqLen: 256 }, budget);
      expect(rows.map((r) => r.regime)).toEqual(['reused']);
      expect(rows[0]?.decode.n).toBeGreaterThanOrEqual(3);
      expect(rows[0]?.decodeAllocBytes).toBeGreaterThanOrEqual(0);
    } finally {
      codec.dispose?.();
    }
  });

  it('refuses to time a codec that loses data', async () => {
    const honest = createMsgpackCodec();
    const lossy: ColumnarCodec = {
      ...honest,
      name: 'lossy',
      decode: (frames) => {
        const p = honest.decode(frames) as CtxMeta;
        // Still a valid payload, so only the exact comparison can catch it.
        p.topK[0] = 7;
        return p;
      },
    };
    const payload = generateCtxMeta({ batch: 2, seqLen: 64 });
    await expect(benchCodec(lossy, payload, { batch: 2, seqLen: 64 }, budget)).rejects.toThrow(RoundTripError);
  });
});

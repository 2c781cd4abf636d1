import { describe, expect, it } from 'vitest';
import { benchCodec, RoundTripError } from '../../src/bench/codecs.js';
import { createMsgpackCodec } from '../../src/codecs/msgpack.js';
import type { ColumnarCodec } from '../../src/codecs/types.js';
import { generateCtxMeta } from '../../src/payload/generate.js';
import { payloadByteLength } from '../../src/payload/size.js';

const budget = { timeMs: 20, iterations: 3, warmupMs: 5 };

describe('benchCodec', () => {
  it('reports wire size, latencies and ratios that hang together', async () => {
    const payload = generateCtxMeta({ batch: 8, seqLen: 512, seed: 1 });
    const row = await benchCodec(createMsgpackCodec(), payload, { batch: 8, seqLen: 512 }, budget);
    expect(row.slots).toBe(8 * 512);
    expect(row.payloadBytes).toBe(payloadByteLength(payload));
    // msgpack adds a few bytes of header per field and string to the raw arrays.
    expect(row.wireBytes).toBeGreaterThan(row.payloadBytes);
    expect(row.wireBytes).toBeLessThan(row.payloadBytes + 2048);
    expect(row.encode.samples).toBeGreaterThanOrEqual(3);
    expect(row.encode.p99).toBeGreaterThanOrEqual(row.encode.p50);
    expect(row.encodeVsMemcpy).toBeCloseTo(row.encode.p50 / row.memcpy.p50, 6);
    // The encoder allocates its output buffer at least once per call.
    expect(row.encodeAllocBytes).toBeGreaterThanOrEqual(row.wireBytes);
  });

  it('refuses to time a codec that loses data', async () => {
    const honest = createMsgpackCodec();
    const lossy: ColumnarCodec = {
      ...honest,
      name: 'lossy',
      decode: (frames) => {
        const p = honest.decode(frames);
        // Still a valid payload, so only the exact comparison can catch it.
        p.topK[0] = 7;
        return p;
      },
    };
    const payload = generateCtxMeta({ batch: 2, seqLen: 64 });
    await expect(benchCodec(lossy, payload, { batch: 2, seqLen: 64 }, budget)).rejects.toThrow(RoundTripError);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { decodeToColumnar, encodeWith, inFormOf } from '../ctx-meta-form.js';
import { createCodec, listCodecs } from '../../src/codecs/registry.js';
import type { Codec, Frames } from '../../src/codecs/types.js';
import { DecodeError, PayloadError } from '../../src/errors.js';
import { diffMessages } from '../../src/message/equal.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';
import { createPrng } from '../../src/kinds/prng.js';
import type { CtxMeta } from '../../src/kinds/ctx-meta/types.js';
import { validateCtxMeta } from '../../src/kinds/ctx-meta/validate.js';
import { CORRUPTIONS, corrupt } from '../corrupt.js';

const CASES = Number(process.env.STALLBENCH_FUZZ_CASES ?? 2000);
const codecs: Codec[] = [];
afterAll(() => codecs.forEach((c) => c.dispose?.()));

type Outcome = 'decode-error' | 'payload-error' | 'accepted' | 'intact';
function outcomeOf(codec: Codec, frames: Frames, original: CtxMeta): Outcome {
  let decoded;
  try {
    decoded = decodeToColumnar(codec, frames);
  } catch (error) {
    if (error instanceof DecodeError) return 'decode-error';
    // Boxed output that is not shaped like a payload is refused while converting.
    if (error instanceof PayloadError) return 'payload-error';
    throw error;
  }
  try {
    validateCtxMeta(decoded);
  } catch (error) {
    if (error instanceof PayloadError) return 'payload-error';
    throw error;
  }
  // Cutting only trailing padding leaves the very same payload, which is not a wrong one.
  return diffMessages(original, decoded) === null ? 'intact' : 'accepted';
}

describe.each(listCodecs())('%s on corrupt frames', (name) => {
  it(`throws DecodeError or yields a payload validation rejects, for ${CASES} corrupted inputs`, () => {
    const codec = createCodec(name);
    codecs.push(codec);
    const prng = createPrng(0xc0ffee);
    const payloads = [
      generateCtxMeta({ batch: 3, seqLen: 40, seed: 1 }),
      generateCtxMeta({ batch: 8, seqLen: { kind: 'uniform', min: 1, max: 200 }, phase: 'mixed', seed: 2 }),
    ];
    const counts: Record<string, number> = {};
    let worstGrowth = 0;
    const started = performance.now();
    for (let i = 0; i < CASES; i++) {
      const payload = payloads[i % payloads.length];
      if (payload === undefined) throw new Error('no payload');
      // Fresh frames each time: ring codecs reuse slots, and a stale descriptor is a different failure.
      const frames = encodeWith(codec, inFormOf(codec, payload));
      const kind = CORRUPTIONS[i % CORRUPTIONS.length] ?? 'flip';
      const bad = corrupt(kind, frames, prng);
      const before = process.memoryUsage().arrayBuffers;
      const outcome = outcomeOf(codec, bad, payload);
      worstGrowth = Math.max(worstGrowth, process.memoryUsage().arrayBuffers - before);
      counts[`${kind}:${outcome}`] = (counts[`${kind}:${outcome}`] ?? 0) + 1;
      // A cut-off frame, a made-up frame or a wrong frame count never yields a different, valid payload.
      if (kind !== 'flip' && kind !== 'absurd-length') expect(outcome, `${kind} case ${i}`).not.toBe('accepted');
    }
    if (process.env.STALLBENCH_FUZZ_CASES !== undefined) console.info(name, JSON.stringify(counts));
    const largest = payloads[1] ?? generateCtxMeta({ batch: 1, seqLen: 1 });
    const frameBytes = encodeWith(codec, inFormOf(codec, largest))[0]?.byteLength ?? 0;
    // No allocation driven by a length field: memory per decode stays near the frame's own size.
    expect(worstGrowth).toBeLessThan(8 * frameBytes + (1 << 20));
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(CASES);
  });
});

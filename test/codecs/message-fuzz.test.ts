import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Frames } from '../../src/codecs/types.js';
import { DecodeError } from '../../src/errors.js';
import { createCodec, listCodecs } from '../../src/codecs/registry.js';
import { messageKind } from '../../src/kinds/captured.js';
import { encodeWith, inFormOf, toColumnar } from '../../src/kinds/form.js';
import { MessageError } from '../../src/message/errors.js';
import type { Codec } from '../../src/codecs/types.js';
import { diffMessages } from '../../src/message/equal.js';
import { generateVllmStyleMessages } from '../../src/kinds/vllm-style.js';
import { findInvalid, messageDtypes } from '../../src/message/record.js';
import { createPrng } from '../../src/kinds/prng.js';
import { CORRUPTIONS, corrupt } from '../corrupt.js';
import { messageArbitrary } from '../message/arbitraries.js';
import type { MessageRecord } from '../../src/message/types.js';

const CASES = Number(process.env.STALLBENCH_FUZZ_CASES ?? 400);
const codecs: Codec[] = [];
afterAll(() => codecs.forEach((c) => c.dispose?.()));

type Outcome = 'decode-error' | 'intact' | 'other-message';

/**
 * Decodes corrupt frames and converts them as a rank does (decode, then the kind's convert): a typed error, the
 * original message, or another well-formed message; anything else (a crash, a foreign object) fails the test.
 */
function outcomeOf(codec: Codec, frames: Frames, original: MessageRecord): Outcome {
  let columnar: MessageRecord;
  try {
    columnar = toColumnar(messageKind(messageDtypes([original])), codec, codec.decode(frames));
  } catch (error) {
    if (error instanceof DecodeError || error instanceof MessageError) return 'decode-error';
    throw error;
  }
  expect(findInvalid(columnar, 'columnar')).toBeNull();
  return diffMessages(original, columnar) === null ? 'intact' : 'other-message';
}

const vllm = generateVllmStyleMessages({ batch: 6, seqLen: 40, steps: 8, seed: 3 }).messages;
const messages = [...vllm.slice(0, 3), ...fc.sample(messageArbitrary, { seed: 7, numRuns: 20 })];

describe.each(listCodecs())('%s on corrupt frames', (name) => {
  it(`answers ${CASES} corrupted inputs with DecodeError or a well-formed message, never a crash`, () => {
    const codec = createCodec(name);
    codecs.push(codec);
    const prng = createPrng(0xc0ffee);
    const counts: Record<string, number> = {};
    let worstGrowth = 0;
    let largestFrame = 0;
    const started = performance.now();
    for (let i = 0; i < CASES; i++) {
      const message = messages[i % messages.length] ?? {};
      // Fresh frames each time: the ring codec reuses slots, and a stale descriptor is a different failure.
      const frames = encodeWith(codec, inFormOf(messageKind({}), codec, message));
      largestFrame = Math.max(largestFrame, frames[0]?.byteLength ?? 0);
      const kind = CORRUPTIONS[i % CORRUPTIONS.length] ?? 'flip';
      const before = process.memoryUsage().arrayBuffers;
      const outcome = outcomeOf(codec, corrupt(kind, frames, prng), message);
      worstGrowth = Math.max(worstGrowth, process.memoryUsage().arrayBuffers - before);
      counts[`${kind}:${outcome}`] = (counts[`${kind}:${outcome}`] ?? 0) + 1;
      // A cut-off frame or a wrong frame count never yields a different message; a flipped data byte can, as no format here carries a checksum.
      if (kind === 'truncate' || kind === 'frame-count') expect(outcome, `${kind} case ${i}`).not.toBe('other-message');
    }
    if (process.env.STALLBENCH_FUZZ_CASES !== undefined) console.info(name, JSON.stringify(counts));
    // No allocation driven by a length field: memory per decode stays near the frame's own size.
    expect(worstGrowth).toBeLessThan(8 * largestFrame + (1 << 20));
    expect(counts['truncate:decode-error'] ?? 0).toBeGreaterThan(0);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(CASES);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});

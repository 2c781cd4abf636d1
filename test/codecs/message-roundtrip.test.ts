import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { messageDelta } from '../../src/message/delta.js';
import { MessageDeltaState } from '../../src/message/delta-state.js';
import { createCodec, listCodecs } from '../../src/codecs/registry.js';
import { messageKind } from '../../src/kinds/captured.js';
import { decodeToColumnar, encodeWith, inFormOf } from '../../src/kinds/form.js';
import type { Codec } from '../../src/codecs/types.js';
import { diffMessages } from '../../src/message/equal.js';
import { generateVllmStyleMessages } from '../../src/kinds/vllm-style.js';
import { messageDtypes } from '../../src/message/record.js';
import type { DtypeMap, MessageRecord } from '../../src/message/types.js';
import { messageArbitrary, withoutNegativeZero } from '../message/arbitraries.js';

const codecs = new Map<string, Codec>(listCodecs().map((name) => [name, createCodec(name)]));
afterAll(() => codecs.forEach((c) => c.dispose?.()));

// msgpackr and cbor-x write a plain-number -0 as the integer 0: scalars in every form, and array elements once boxed.
const LOSES_SCALAR_ZERO_SIGN = new Set(['msgpack', 'cbor', 'msgpack-boxed', 'cbor-boxed']);
const LOSES_ARRAY_ZERO_SIGN = new Set(['msgpack-boxed', 'cbor-boxed']);

function roundTrip(name: string, message: MessageRecord, dtypes: DtypeMap): MessageRecord {
  const codec = codecs.get(name);
  if (codec === undefined) throw new Error(name);
  const kind = messageKind(dtypes);
  return decodeToColumnar(kind, codec, encodeWith(codec, inFormOf(kind, codec, message)));
}

describe('the codec registry', () => {
  it('says in each schema codec description that it carries the generic envelope', () => {
    for (const name of ['flatbuffers', 'protobuf', 'shm']) expect(codecs.get(name)?.description).toMatch(/generic envelope/);
  });
});

describe.each(listCodecs())('%s', (name) => {
  it('round-trips arbitrary messages exactly', () => {
    fc.assert(
      fc.property(messageArbitrary, (message) => {
        const expected = LOSES_SCALAR_ZERO_SIGN.has(name) ? withoutNegativeZero(message, LOSES_ARRAY_ZERO_SIGN.has(name)) : message;
        expect(diffMessages(expected, roundTrip(name, message, messageDtypes([message])))).toBeNull();
      }),
      { seed: 20261128, numRuns: 200 },
    );
  });

  it('round-trips every dtype at its extremes, with -0, NaN and ±Infinity in float arrays', () => {
    const message: MessageRecord = {
      i8: Int8Array.of(-128, 0, 127),
      u8: Uint8Array.of(0, 255),
      i16: Int16Array.of(-32768, 32767),
      u16: Uint16Array.of(0, 65535),
      i32: Int32Array.of(-2147483648, 2147483647),
      u32: Uint32Array.of(0, 4294967295),
      f32: Float32Array.of(-0, NaN, Infinity, -Infinity, 3.4028234663852886e38, 1.401298464324817e-45),
      f64: Float64Array.of(-0, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE),
      empty: { list: [], array: new Float64Array(0), record: {} },
      text: ['', 'é', '請求-🚀', 'zero\u200bwidth', 'x'.repeat(300)],
      scalars: [0, 1.5, -(2 ** 53), 2 ** 53, 1e300, NaN, Infinity, true, false, null],
    };
    const expected = LOSES_ARRAY_ZERO_SIGN.has(name) ? withoutNegativeZero(message, true) : message;
    expect(diffMessages(expected, roundTrip(name, message, messageDtypes([message])))).toBeNull();
  });

  it('round-trips a 200-step vLLM-style sequence, full and as deltas', () => {
    const { messages, dtypes } = generateVllmStyleMessages({ batch: 16, seqLen: 96, steps: 200, seed: 5, finishRate: 0.05 });
    const state = new MessageDeltaState();
    messages.forEach((message, step) => {
      expect(diffMessages(message, roundTrip(name, message, dtypes)), `step ${step}`).toBeNull();
      const delta = messageDelta(step === 0 ? null : (messages[step - 1] ?? null), message, step);
      const carried = roundTrip(name, delta, dtypes);
      expect(diffMessages(delta, carried), `delta ${step}`).toBeNull();
      expect(diffMessages(message, state.apply(carried)), `rebuilt ${step}`).toBeNull();
    });
  });
});

describe('codecs that cannot carry the sign of a zero held as a plain number', () => {
  it.each([...LOSES_SCALAR_ZERO_SIGN])('%s writes a scalar -0 as 0 (so the round-trip gate refuses such a message)', (name) => {
    const got = roundTrip(name, { x: -0 }, {});
    expect(Object.is(got.x, 0)).toBe(true);
    expect(diffMessages({ x: -0 }, got)).toBe('/x: -0 vs 0');
  });
});

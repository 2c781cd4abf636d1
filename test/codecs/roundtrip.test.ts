import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createCodec, listCodecs } from '../../src/codecs/registry.js';
import type { Codec } from '../../src/codecs/types.js';
import { CTX_META_KIND } from '../../src/kinds/ctx-meta/kind.js';
import { decodeToColumnar, encodeWith, inFormOf } from '../../src/kinds/form.js';
import type { MessageKind } from '../../src/kinds/types.js';
import { diffMessages } from '../../src/message/equal.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';
import type { CtxMeta } from '../../src/kinds/ctx-meta/types.js';
import { validateCtxMeta } from '../../src/kinds/ctx-meta/validate.js';
import { ctxMetaArbitrary, edgeCasePayloads } from './arbitraries.js';

const KIND = CTX_META_KIND as unknown as MessageKind;
// Every built-in name twice: as createCodec(name) gives it for any message, and with CtxMeta's own schema layouts.
const layouts = { generic: {}, 'ctx-meta schema': { schemaCodecs: KIND.schemaCodecs } } as const;
const codecs = new Map<string, Codec>(Object.entries(layouts).flatMap(([layout, options]) => listCodecs().map((name) => [`${name} ${layout}`, createCodec(name, options)])));
afterAll(() => codecs.forEach((c) => c.dispose?.()));

function roundTrip(name: string, payload: CtxMeta): string | null {
  const codec = codecs.get(name);
  if (codec === undefined) throw new Error(name);
  const decoded = decodeToColumnar(KIND, codec, encodeWith(codec, inFormOf(KIND, codec, payload))) as CtxMeta;
  validateCtxMeta(decoded);
  return diffMessages(payload, decoded);
}

describe('one registry for every kind', () => {
  it('gives CtxMeta its own schema for flatbuffers and protobuf, and the generic codec for every other name', () => {
    for (const name of listCodecs()) {
      const own = codecs.get(`${name} ctx-meta schema`)?.description ?? '';
      const generic = codecs.get(`${name} generic`)?.description ?? '';
      expect(own === generic).toBe(!['flatbuffers', 'protobuf'].includes(name));
    }
  });
});

describe.each([...codecs.keys()])('CtxMeta through %s', (name) => {
  it('round-trips arbitrary valid payloads exactly', () => {
    fc.assert(
      fc.property(ctxMetaArbitrary, (payload) => {
        expect(roundTrip(name, payload)).toBeNull();
      }),
      { seed: 20261128, numRuns: 150 },
    );
  });

  it.each(Object.entries(edgeCasePayloads()))('round-trips %s', (_, payload) => {
    validateCtxMeta(payload);
    expect(roundTrip(name, payload)).toBeNull();
  });

  it('round-trips a 64 x 4096 payload (262,144 slots)', () => {
    expect(roundTrip(name, generateCtxMeta({ batch: 64, seqLen: 4096, seed: 9 }))).toBeNull();
  });
});

describe('codecs that share a library', () => {
  it.each([
    ['msgpack', 'msgpack-boxed'],
    ['msgpack', 'shm'],
    ['cbor', 'cbor-boxed'],
  ])('%s leaves the shared encoder buffer fit for %s', (first, second) => {
    // msgpackr and cbor-x keep one target buffer per module; a codec that swaps it must leave a Node Buffer behind.
    const a = createCodec(first);
    const b = createCodec(second);
    const big = generateCtxMeta({ batch: 4, seqLen: 64 });
    const longIds = { ...big, reqIds: big.reqIds.map((id) => `${id}-${'x'.repeat(200)}`) };
    a.encode(big as never);
    const frames = encodeWith(b, inFormOf(KIND, b, longIds));
    expect(diffMessages(longIds, decodeToColumnar(KIND, b, frames))).toBeNull();
    a.dispose?.();
    b.dispose?.();
  });
});

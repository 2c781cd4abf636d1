import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeToColumnar, encodeWith, inFormOf } from '../../src/old/form.js';
import { createCodec, listCodecs } from '../../src/old/registry.js';
import { diffCtxMeta } from '../../src/kinds/ctx-meta/old-equal.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';
import type { CtxMeta } from '../../src/kinds/ctx-meta/types.js';
import { validateCtxMeta } from '../../src/kinds/ctx-meta/validate.js';
import { ctxMetaArbitrary, edgeCasePayloads } from './arbitraries.js';

const codecs = listCodecs().map((name) => createCodec(name));
afterAll(() => codecs.forEach((c) => c.dispose?.()));

function roundTrip(name: string, payload: CtxMeta): string | null {
  const codec = codecs.find((c) => c.name === name);
  if (codec === undefined) throw new Error(name);
  const decoded = decodeToColumnar(codec, encodeWith(codec, inFormOf(codec, payload)));
  validateCtxMeta(decoded);
  return diffCtxMeta(payload, decoded);
}

describe.each(listCodecs())('%s', (name) => {
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
    const frames = encodeWith(b, inFormOf(b, longIds));
    expect(diffCtxMeta(longIds, decodeToColumnar(b, frames))).toBeNull();
    a.dispose?.();
    b.dispose?.();
  });
});

import fc from 'fast-check';
import { buildCtxMeta, type RequestSpec } from '../../src/kinds/ctx-meta/build.js';
import type { CtxMeta } from '../../src/kinds/ctx-meta/types.js';

const INT32_MAX = 2147483647;

/** Any valid columnar payload: odd batch sizes, block sizes, Unicode request ids, full float32 range of sampling values. */
export const ctxMetaArbitrary: fc.Arbitrary<CtxMeta> = fc
  .record({
    stepId: fc.nat({ max: 0xffffffff }),
    blockSize: fc.constantFrom(1, 2, 16, 32),
    slots: fc.constantFrom('full', 'new', 'none'),
    specs: fc.array(
      fc.record({
        reqId: fc.string({ unit: 'grapheme', maxLength: 40 }),
        seqLen: fc.nat({ max: 300 }),
        newFraction: fc.double({ min: 0, max: 1, noNaN: true }),
        temperature: fc.float({ min: 0, max: 2, noNaN: true }).map((t) => (Object.is(t, -0) ? 0 : t)),
        topP: fc.float({ min: Math.fround(1e-6), max: 1, noNaN: true }),
        topK: fc.integer({ min: -1, max: 1000 }),
        blockSeed: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
      }),
      { maxLength: 6 },
    ),
  } as const)
  .map(({ stepId, blockSize, slots, specs }) => {
    const maxBlock = Math.floor((INT32_MAX - (blockSize - 1)) / blockSize);
    const requests: RequestSpec[] = specs.map((s) => {
      const blocks = Math.ceil(s.seqLen / blockSize);
      return {
        reqId: s.reqId,
        seqLen: s.seqLen,
        numNewTokens: Math.floor(s.newFraction * s.seqLen),
        temperature: s.temperature,
        topP: s.topP,
        topK: s.topK,
        blockTable: Array.from({ length: blocks }, (_, i) => ((s.blockSeed[i % s.blockSeed.length] ?? 0) * 7919 + i * 104729) % (maxBlock + 1)),
      };
    });
    return buildCtxMeta({ stepId, blockSize, requests, slots });
  });

/** The edge cases the issue names: empty batch, seqLen 0 and 1, the largest int32 slot, non-ASCII ids, blockSize 1. */
export function edgeCasePayloads(): Record<string, CtxMeta> {
  const one = (spec: Partial<RequestSpec>, blockSize = 16): CtxMeta =>
    buildCtxMeta({
      stepId: 1,
      blockSize,
      requests: [{ reqId: 'r0', seqLen: 1, numNewTokens: 1, temperature: 0.7, topP: 0.9, topK: 50, blockTable: [5], ...spec }],
    });
  return {
    'batch 0': buildCtxMeta({ stepId: 0, blockSize: 16, requests: [] }),
    'seqLen 0': one({ seqLen: 0, numNewTokens: 0, blockTable: [] }),
    'seqLen 1': one({}),
    'largest int32 slot': one({ blockTable: [INT32_MAX] }, 1),
    'non-ASCII ids': buildCtxMeta({
      stepId: 2,
      blockSize: 16,
      requests: ['請求-01', 'émoji-🚀-\u{1F9EA}', 'zero\u200Bwidth', ''].map((reqId, i) => ({
        reqId,
        seqLen: 20 + i,
        numNewTokens: 1,
        temperature: 1,
        topP: 1,
        topK: -1,
        blockTable: [100 + i, 900 + i],
      })),
    }),
    'blockSize 1': one({ seqLen: 3, numNewTokens: 3, blockTable: [7, 3, 99999] }, 1),
    'max stepId': { ...one({}), stepId: 0xffffffff },
    // Long strings take the libraries' native UTF-8 paths, which need a Node Buffer as their target.
    'long request id': one({ reqId: `cmpl-${'ab'.repeat(150)}-é` }),
  };
}

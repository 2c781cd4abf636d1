import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../../src/errors.js';
import { generateCtxMeta } from '../../../src/kinds/ctx-meta/generate.js';
import { validateCtxMeta } from '../../../src/kinds/ctx-meta/validate.js';
import { fingerprint } from '../../helpers.js';

describe('generateCtxMeta', () => {
  it('is deterministic: same options give a byte-identical payload, on every machine', () => {
    const options = { batch: 8, seqLen: { kind: 'long-tail', median: 300, max: 4000 }, phase: 'mixed', seed: 42 } as const;
    expect(fingerprint(generateCtxMeta(options))).toBe(fingerprint(generateCtxMeta(options)));
    // Pinned: a change here means payloads from older results files are no longer reproducible.
    expect(fingerprint(generateCtxMeta(options))).toBe('f6cbef4483c7e7eb376ca70bf6bc786f172a6b01e9edfc80eea25e4529d51fde');
  });

  it('differs across seeds', () => {
    expect(fingerprint(generateCtxMeta({ batch: 4, seqLen: 64, seed: 1 }))).not.toBe(
      fingerprint(generateCtxMeta({ batch: 4, seqLen: 64, seed: 2 })),
    );
  });

  it('carries one slot per context token, slot = block * blockSize + pos % blockSize', () => {
    const p = generateCtxMeta({ batch: 3, seqLen: { kind: 'uniform', min: 1, max: 100 }, blockSize: 16, seed: 7 });
    const total = Array.from(p.seqLens).reduce((a, b) => a + b, 0);
    expect(p.slotMapping.length).toBe(total);
    for (let r = 0; r < 3; r++) {
      const table = p.blockTables.subarray(p.blockTableOffsets[r], p.blockTableOffsets[r + 1]);
      const slots = p.slotMapping.subarray(p.slotOffsets[r], p.slotOffsets[r + 1]);
      expect(table.length).toBe(Math.ceil((p.seqLens[r] ?? 0) / 16));
      slots.forEach((slot, pos) => expect(slot).toBe((table[Math.floor(pos / 16)] ?? -1) * 16 + (pos % 16)));
    }
  });

  it('scales slotMapping with batch x seqLen', () => {
    expect(generateCtxMeta({ batch: 64, seqLen: 4096 }).slotMapping.length).toBe(64 * 4096);
    expect(generateCtxMeta({ batch: 2, seqLen: 0 }).slotMapping.length).toBe(0);
  });

  it('draws blocks from a shuffled free list: large, distinct, non-contiguous ids', () => {
    const p = generateCtxMeta({ batch: 16, seqLen: 2048, seed: 3 });
    const blocks = Array.from(p.blockTables);
    expect(new Set(blocks).size).toBe(blocks.length);
    const ascendingNeighbours = blocks.filter((b, i) => i > 0 && b === (blocks[i - 1] ?? 0) + 1).length;
    expect(ascendingNeighbours).toBeLessThan(blocks.length / 100);
    expect(Math.max(...blocks)).toBeGreaterThan(65536);
  });

  it('sets new tokens by phase', () => {
    const decode = generateCtxMeta({ batch: 32, seqLen: 1000, phase: 'decode' });
    const prefill = generateCtxMeta({ batch: 32, seqLen: 1000, phase: 'prefill' });
    const mixed = generateCtxMeta({ batch: 200, seqLen: 1000, phase: 'mixed', prefillChunk: 256 });
    expect(new Set(decode.numNewTokens)).toEqual(new Set([1]));
    expect(new Set(prefill.numNewTokens)).toEqual(new Set([1000]));
    expect(new Set(mixed.numNewTokens)).toEqual(new Set([1, 256]));
  });

  it('keeps drawn lengths inside the distribution', () => {
    const uniform = generateCtxMeta({ batch: 500, seqLen: { kind: 'uniform', min: 10, max: 20 } });
    expect(Math.min(...uniform.seqLens)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...uniform.seqLens)).toBeLessThanOrEqual(20);
    const tail = generateCtxMeta({ batch: 2000, seqLen: { kind: 'long-tail', median: 100, max: 3000 } });
    const sorted = Array.from(tail.seqLens).sort((a, b) => a - b);
    expect(sorted[1000]).toBeGreaterThan(70);
    expect(sorted[1000]).toBeLessThan(140);
    expect(sorted[1999]).toBeLessThanOrEqual(3000);
    expect(sorted[1999]).toBeGreaterThan(1000);
  });

  it('always produces valid payloads', () => {
    for (const blockSize of [1, 16, 32]) {
      for (const phase of ['decode', 'prefill', 'mixed'] as const) {
        expect(() => validateCtxMeta(generateCtxMeta({ batch: 5, seqLen: 77, blockSize, phase }))).not.toThrow();
      }
    }
  });

  it('rejects invalid options with OptionsError', () => {
    expect(() => generateCtxMeta({ batch: -1, seqLen: 1 })).toThrow(OptionsError);
    expect(() => generateCtxMeta({ batch: 1, seqLen: 1.5 })).toThrow(OptionsError);
    expect(() => generateCtxMeta({ batch: 1, seqLen: 4, blockSize: 0 })).toThrow(OptionsError);
    expect(() => generateCtxMeta({ batch: 1, seqLen: { kind: 'uniform', min: 5, max: 2 } })).toThrow(OptionsError);
    expect(() => generateCtxMeta({ batch: 1, seqLen: 4, phase: 'train' as 'decode' })).toThrow(OptionsError);
    expect(() => generateCtxMeta({ batch: 4, seqLen: 64, numBlocks: 3 })).toThrow(/numBlocks/);
  });
});

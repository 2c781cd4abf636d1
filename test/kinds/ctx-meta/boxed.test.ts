import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../../src/errors.js';
import { fromBoxed, toBoxed } from '../../../src/kinds/ctx-meta/boxed.js';
import { diffMessages } from '../../../src/message/equal.js';
import { generateCtxMeta } from '../../../src/kinds/ctx-meta/generate.js';

describe('boxed form', () => {
  it('round-trips exactly, float32 sampling parameters included', () => {
    const p = generateCtxMeta({ batch: 9, seqLen: { kind: 'uniform', min: 0, max: 300 }, phase: 'mixed', seed: 11 });
    const boxed = toBoxed(p);
    expect(boxed.requests).toHaveLength(9);
    expect(boxed.requests[0]?.slotMapping).toHaveLength(p.seqLens[0] ?? -1);
    expect(Array.isArray(boxed.requests[0]?.blockTable)).toBe(true);
    expect(diffMessages(p, fromBoxed(boxed))).toBeNull();
  });

  it('keeps slots as sent, so a corrupt slot is still visible after conversion', () => {
    const p = generateCtxMeta({ batch: 2, seqLen: 10 });
    const boxed = toBoxed(p);
    boxed.requests[1]?.slotMapping.splice(0, 1, 123);
    expect(fromBoxed(boxed).slotMapping[10]).toBe(123);
  });

  it('rejects input that is not shaped like a boxed payload', () => {
    expect(() => fromBoxed(null)).toThrow(PayloadError);
    expect(() => fromBoxed(42)).toThrow(PayloadError);
    expect(() => fromBoxed({ stepId: 0, blockSize: 16 })).toThrow(/requests/);
    expect(() => fromBoxed({ stepId: 0, blockSize: 16, requests: [{ reqId: 1 }] })).toThrow(/reqId/);
    const boxed = toBoxed(generateCtxMeta({ batch: 1, seqLen: 3 }));
    (boxed.requests[0] as unknown as Record<string, unknown>).blockTable = ['x'];
    expect(() => fromBoxed(boxed)).toThrow(/blockTable/);
  });
});

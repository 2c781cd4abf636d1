import { describe, expect, it } from 'vitest';
import { PayloadError } from '../../../src/errors.js';
import { buildCtxMeta } from '../../../src/kinds/ctx-meta/build.js';
import { diffMessages } from '../../../src/message/equal.js';
import { generateCtxMeta } from '../../../src/kinds/ctx-meta/generate.js';
import type { CtxMeta } from '../../../src/kinds/ctx-meta/types.js';
import { validateCtxMeta } from '../../../src/kinds/ctx-meta/validate.js';

const base = (): CtxMeta => generateCtxMeta({ batch: 4, seqLen: 40, blockSize: 16, seed: 5 });

function rejects(mutate: (p: CtxMeta) => void, field: RegExp): void {
  const p = base();
  mutate(p);
  let error: unknown;
  try {
    validateCtxMeta(p);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(PayloadError);
  expect((error as PayloadError).field).toMatch(field);
}

describe('validateCtxMeta', () => {
  it('accepts generated payloads, including ones carrying only new slots or none', () => {
    expect(validateCtxMeta(base())).toBeDefined();
    expect(() => validateCtxMeta(generateCtxMeta({ batch: 4, seqLen: 40, slots: 'new' }))).not.toThrow();
    expect(() => validateCtxMeta(generateCtxMeta({ batch: 4, seqLen: 40, slots: 'none' }))).not.toThrow();
  });

  it('names the first bad field', () => {
    rejects((p) => (p.slotMapping[17] = (p.slotMapping[17] ?? 0) + 1), /^slotMapping\[17\]$/);
    rejects((p) => (p.blockTables[2] = -4), /^blockTables\[2\]$/);
    rejects((p) => (p.blockTableOffsets[1] = 1), /^blockTableOffsets/);
    rejects((p) => (p.slotOffsets[4] = 3), /^slotOffsets/);
    rejects((p) => (p.temperature[0] = Number.NaN), /^temperature\[0\]$/);
    rejects((p) => (p.topP[3] = 1.5), /^topP\[3\]$/);
    rejects((p) => (p.topK[1] = -7), /^topK\[1\]$/);
    rejects((p) => (p.numNewTokens[2] = 41), /^numNewTokens\[2\]$/);
    rejects((p) => (p.seqLens[0] = -1), /^seqLens\[0\]$/);
    rejects((p) => (p.seqLens = new Int32Array(3)), /^seqLens$/);
    rejects((p) => (p.blockSize = 0), /^blockSize$/);
    rejects((p) => (p.stepId = -1), /^stepId$/);
    rejects((p) => (p.reqIds = [1, 2, 3, 4] as unknown as string[]), /^reqIds$/);
    rejects((p) => (p.slotMapping = new Float32Array(p.slotMapping) as unknown as Int32Array), /^slotMapping$/);
  });

  it('accepts the largest int32 slot with blockSize 1', () => {
    const p = buildCtxMeta({
      stepId: 0xffffffff,
      blockSize: 1,
      requests: [{ reqId: 'r', seqLen: 1, numNewTokens: 1, temperature: 0, topP: 1, topK: -1, blockTable: [2147483647] }],
    });
    expect(validateCtxMeta(p).slotMapping[0]).toBe(2147483647);
  });
});

describe('diffMessages on CtxMeta', () => {
  it('returns null for equal payloads and names the first difference otherwise', () => {
    const a = base();
    expect(diffMessages(a, base())).toBeNull();
    const b = base();
    b.topP[2] = 0.5;
    expect(diffMessages(a, b)).toMatch(/^\/topP\[2\]/);
    const c = base();
    c.reqIds[1] = 'other';
    expect(diffMessages(a, c)).toMatch(/^\/reqIds\/1: /);
    const d = base();
    d.temperature[0] = -0;
    const e = base();
    e.temperature[0] = 0;
    expect(diffMessages(d, e)).toMatch(/^\/temperature\[0\]/);
  });
});

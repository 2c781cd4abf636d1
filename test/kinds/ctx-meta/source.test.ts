import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../../src/errors.js';
import { generateCtxMeta } from '../../../src/kinds/ctx-meta/generate.js';
import { extendIntoSequence } from '../../../src/kinds/ctx-meta/extend.js';
import { generateStepSequence } from '../../../src/kinds/ctx-meta/sequence.js';
import { withSlotCoverage } from '../../../src/kinds/ctx-meta/slots.js';
import { arraySource, extensionSource, generatedSource } from '../../../src/kinds/ctx-meta/source.js';
import { fingerprint } from '../../helpers.js';

const options = { batch: 5, seqLen: 40, steps: 12, blockSize: 4, seed: 9, finishRate: 0.1 };

describe('step sources', () => {
  it('yield the same steps as the array APIs, one at a time, without slots, and again from step 0 on every open', () => {
    const expected = generateStepSequence(options).map((s) => fingerprint(withSlotCoverage(s, 'none')));
    const source = generatedSource(options);
    expect(source.length).toBe(12);
    for (let round = 0; round < 2; round++) expect(Array.from({ [Symbol.iterator]: () => source.open() }).map(fingerprint)).toEqual(expected);
  });

  it('continue one payload like extendIntoSequence', () => {
    const payload = generateCtxMeta({ batch: 3, seqLen: 30, blockSize: 4, seed: 2 });
    const expected = extendIntoSequence(payload, 7).map((s) => fingerprint(withSlotCoverage(s, 'none')));
    const source = extensionSource(payload, 7);
    expect(Array.from({ [Symbol.iterator]: () => source.open() }).map(fingerprint)).toEqual(expected);
  });

  it('validate up front, not at the first step of a run', () => {
    expect(() => generatedSource({ ...options, steps: 0 })).toThrow(OptionsError);
    expect(() => extensionSource(generateCtxMeta({ batch: 1, seqLen: 4 }), 0)).toThrow(OptionsError);
    expect(() => arraySource([{ ...generateCtxMeta({ batch: 1, seqLen: 4 }), blockSize: 0 }])).toThrow(/blockSize/);
  });
});

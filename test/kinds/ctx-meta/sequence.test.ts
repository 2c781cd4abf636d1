import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../../src/errors.js';
import { generateStepSequence } from '../../../src/kinds/ctx-meta/sequence.js';
import { validateCtxMeta } from '../../../src/kinds/ctx-meta/validate.js';
import { fingerprint } from '../../helpers.js';

const table = (p: ReturnType<typeof generateStepSequence>[number], i: number) => Array.from(p.blockTables.subarray(p.blockTableOffsets[i], p.blockTableOffsets[i + 1]));

describe('generateStepSequence', () => {
  const steps = generateStepSequence({ batch: 12, seqLen: { kind: 'uniform', min: 1, max: 60 }, steps: 40, blockSize: 4, seed: 5, finishRate: 0.1 });

  it('produces valid, numbered, deterministic steps of constant batch', () => {
    expect(steps).toHaveLength(40);
    steps.forEach((s, i) => {
      validateCtxMeta(s);
      expect(s.stepId).toBe(i);
      expect(s.reqIds).toHaveLength(12);
    });
    const again = generateStepSequence({ batch: 12, seqLen: { kind: 'uniform', min: 1, max: 60 }, steps: 40, blockSize: 4, seed: 5, finishRate: 0.1 });
    expect(again.map(fingerprint)).toEqual(steps.map(fingerprint));
  });

  it('grows running requests by one token and keeps their blocks; replaces finished ones with prefilling arrivals', () => {
    let continued = 0;
    let arrived = 0;
    for (let s = 1; s < steps.length; s++) {
      const prev = steps[s - 1];
      const cur = steps[s];
      if (prev === undefined || cur === undefined) throw new Error('missing step');
      cur.reqIds.forEach((id, i) => {
        const j = prev.reqIds.indexOf(id);
        if (j < 0) {
          arrived++;
          expect(cur.numNewTokens[i]).toBe(cur.seqLens[i]);
          return;
        }
        continued++;
        expect(cur.seqLens[i]).toBe((prev.seqLens[j] ?? 0) + 1);
        expect(cur.numNewTokens[i]).toBe(1);
        expect(table(cur, i).slice(0, table(prev, j).length)).toEqual(table(prev, j));
      });
    }
    expect(arrived).toBeGreaterThan(10);
    expect(continued).toBeGreaterThan(300);
  });

  it('never hands one block to two live requests', () => {
    for (const s of steps) expect(new Set(s.blockTables).size).toBe(s.blockTables.length);
  });

  it('rejects invalid options', () => {
    expect(() => generateStepSequence({ batch: 2, seqLen: 8, steps: 0 })).toThrow(OptionsError);
    expect(() => generateStepSequence({ batch: 2, seqLen: 8, steps: 3, finishRate: 2 })).toThrow(OptionsError);
  });
});

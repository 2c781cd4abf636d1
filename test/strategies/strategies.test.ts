import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../src/errors.js';
import { diffCtxMeta } from '../../src/payload/equal.js';
import { generateStepSequence } from '../../src/payload/sequence.js';
import { withSlotCoverage } from '../../src/payload/slots.js';
import { validateCtxMeta } from '../../src/payload/validate.js';
import { createRankSide, stepView, wirePayloads } from '../../src/strategies/strategies.js';
import { STRATEGY_NAMES } from '../../src/strategies/types.js';

const steps = generateStepSequence({ batch: 10, seqLen: { kind: 'uniform', min: 1, max: 90 }, steps: 30, blockSize: 4, seed: 8, finishRate: 0.15 });

describe.each(STRATEGY_NAMES)('strategy %s', (strategy) => {
  it('rebuilds, on the rank, exactly the step view of the full payload, twice around the sequence', () => {
    const wire = wirePayloads(strategy, steps);
    const rank = createRankSide(strategy);
    for (let round = 0; round < 2; round++) {
      steps.forEach((step, i) => {
        const view = validateCtxMeta(rank.apply(wire[i] ?? step));
        expect(diffCtxMeta(stepView(step), view), `step ${i}`).toBeNull();
        // From what the rank holds, the full slot mapping of the story's message follows exactly.
        expect(diffCtxMeta(step, withSlotCoverage(view, 'full')), `step ${i}`).toBeNull();
      });
    }
  });
});

describe('wire sizes', () => {
  const ints = (p: { blockTables: Int32Array; slotMapping: Int32Array }) => p.blockTables.length + p.slotMapping.length;
  it('shrink from full to new-slots to no-slots, and delta sends almost nothing after its first step', () => {
    const total = (name: (typeof STRATEGY_NAMES)[number]) => wirePayloads(name, steps).slice(1).reduce((s, p) => s + ints(p), 0);
    expect(total('new-slots')).toBeLessThan(total('full') / 2);
    expect(total('no-slots')).toBeLessThan(total('new-slots'));
    expect(total('delta')).toBeLessThan(total('no-slots') / 3);
  });
});

describe('delta state', () => {
  it('refuses to rebuild after a lost delta instead of returning a wrong payload', () => {
    const wire = wirePayloads('delta', steps);
    const rank = createRankSide('delta');
    const [first, , third] = wire;
    if (first === undefined || third === undefined) throw new Error('sequence too short');
    rank.apply(first);
    expect(() => rank.apply(third)).toThrow(DecodeError);
  });
});

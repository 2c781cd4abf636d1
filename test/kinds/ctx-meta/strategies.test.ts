import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../src/errors.js';
import { diffMessages } from '../../../src/message/equal.js';
import { buildCtxMeta } from '../../../src/kinds/ctx-meta/build.js';
import { generateStepSequence } from '../../../src/kinds/ctx-meta/sequence.js';
import { withSlotCoverage } from '../../../src/kinds/ctx-meta/slots.js';
import { validateCtxMeta } from '../../../src/kinds/ctx-meta/validate.js';
import { createRankSide, stepView, wirePayloads } from '../../../src/kinds/ctx-meta/strategies.js';
import { STRATEGY_NAMES } from '../../../src/kinds/strategy.js';

// Up to 90 tokens in blocks of 4: some requests outgrow a delta state's first row size (16 blocks) in their first step.
const steps = generateStepSequence({ batch: 10, seqLen: { kind: 'uniform', min: 1, max: 90 }, steps: 30, blockSize: 4, seed: 8, finishRate: 0.15 });

describe.each(STRATEGY_NAMES)('strategy %s', (strategy) => {
  it('rebuilds, on the rank, exactly the step view of the full payload, twice around the sequence', () => {
    const wire = wirePayloads(strategy, steps);
    const rank = createRankSide(strategy);
    for (let round = 0; round < 2; round++) {
      steps.forEach((step, i) => {
        const view = validateCtxMeta(rank.payloadOf(rank.apply(wire[i] ?? step)));
        expect(diffMessages(stepView(step), view), `step ${i}`).toBeNull();
        // From what the rank holds, the full slot mapping of the story's message follows exactly.
        expect(diffMessages(step, withSlotCoverage(view, 'full')), `step ${i}`).toBeNull();
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

describe('the rank side', () => {
  it('reuses its buffers from step to step once they fit: the launch view of a delta is rebuilt in place', () => {
    const wire = wirePayloads('delta', steps);
    const rank = createRankSide('delta');
    const buffers = wire.slice(0, 12).map((w) => {
      const view = rank.apply(w);
      return { tables: view.tables.buffer, slots: view.slotMapping.buffer, offsets: view.slotOffsets.buffer };
    });
    const settled = buffers.slice(4);
    for (const b of settled) {
      expect(b.offsets).toBe(settled[0]?.offsets);
      expect(b.slots).toBe(settled[0]?.slots);
    }
  });

  it('keeps running requests in their rows and hands finished rows to arrivals', () => {
    const wire = wirePayloads('delta', steps);
    const rank = createRankSide('delta');
    const starts = new Set<number>();
    for (const w of wire) {
      const view = rank.apply(w);
      // No two running requests ever share a row.
      expect(new Set(Array.from(view.tableStarts)).size).toBe(w.reqIds.length);
      view.tableStarts.forEach((s) => starts.add(s));
    }
    // 10 requests with about 15% finishing a step (some 45 arrivals over the sequence): rows are recycled.
    expect(starts.size).toBeLessThan(2 * 10);
  });
});

describe('delta state', () => {
  it('keeps every row right when a later request outgrows the rows already placed in the same step', () => {
    const step = buildCtxMeta({
      stepId: 0,
      blockSize: 1,
      requests: [2, 3, 40].map((n, i) => ({ reqId: `r${i}`, seqLen: n, numNewTokens: 1, temperature: 1, topP: 1, topK: -1, blockTable: Array.from({ length: n }, (_, k) => 1000 * i + k) })),
      slots: 'full',
    });
    const rank = createRankSide('delta');
    const [wire] = wirePayloads('delta', [step]);
    if (wire === undefined) throw new Error('no wire');
    expect(diffMessages(stepView(step), rank.payloadOf(rank.apply(wire)))).toBeNull();
  });

  it('refuses to rebuild after a lost delta instead of returning a wrong payload', () => {
    const wire = wirePayloads('delta', steps);
    const rank = createRankSide('delta');
    const [first, , third] = wire;
    if (first === undefined || third === undefined) throw new Error('sequence too short');
    rank.apply(first);
    expect(() => rank.apply(third)).toThrow(DecodeError);
  });
});

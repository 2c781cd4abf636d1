import { OptionsError } from '../errors.js';
import { withSlotCoverage } from '../payload/slots.js';
import type { CtxMeta } from '../payload/types.js';
import { DeltaState, deltaOf } from './delta.js';
import { STRATEGY_NAMES, type RankSide, type StrategyName } from './types.js';

/** Throws OptionsError unless `name` is a strategy. */
export function checkStrategy(name: string): StrategyName {
  if (!(STRATEGY_NAMES as readonly string[]).includes(name)) {
    throw new OptionsError('strategy', `unknown strategy '${name}'; known: ${STRATEGY_NAMES.join(', ')}`);
  }
  return name as StrategyName;
}

/** What the scheduler sends for each step of a sequence (computed before any timing: the scheduler's bookkeeping, not serialization). */
export function wirePayloads(strategy: StrategyName, steps: readonly CtxMeta[]): CtxMeta[] {
  switch (strategy) {
    case 'full':
      return steps.map((s) => withSlotCoverage(s, 'full'));
    case 'new-slots':
      return steps.map((s) => withSlotCoverage(s, 'new'));
    case 'no-slots':
      return steps.map((s) => withSlotCoverage(s, 'none'));
    case 'delta':
      return steps.map((s, i) => deltaOf(i === 0 ? null : (steps[i - 1] ?? null), s));
  }
}

/** What a rank launches from for a step: the full step with only the new tokens' slots. */
export function stepView(step: CtxMeta): CtxMeta {
  return withSlotCoverage(step, 'new');
}

/** Slices the new tokens' slots out of a payload that carries all of them: O(batch) copies, no derivation. */
function newSlotsFromFull(p: CtxMeta): CtxMeta {
  const batch = p.reqIds.length;
  const slotOffsets = new Int32Array(batch + 1);
  for (let i = 0; i < batch; i++) slotOffsets[i + 1] = (slotOffsets[i] ?? 0) + (p.numNewTokens[i] ?? 0);
  const slotMapping = new Int32Array(slotOffsets[batch] ?? 0);
  for (let i = 0; i < batch; i++) {
    const end = p.slotOffsets[i + 1] ?? 0;
    slotMapping.set(p.slotMapping.subarray(end - (p.numNewTokens[i] ?? 0), end), slotOffsets[i]);
  }
  return { ...p, slotOffsets, slotMapping };
}

/** Creates a rank's side of a strategy; its work is timed on the rank and counted in the stall. */
export function createRankSide(strategy: StrategyName): RankSide {
  switch (strategy) {
    case 'full':
      return { apply: newSlotsFromFull };
    case 'new-slots':
      return { apply: (wire) => wire };
    case 'no-slots':
      return { apply: (wire) => withSlotCoverage(wire, 'new') };
    case 'delta': {
      const state = new DeltaState();
      return { apply: (wire) => withSlotCoverage({ ...wire, ...state.apply(wire) }, 'new') };
    }
  }
}

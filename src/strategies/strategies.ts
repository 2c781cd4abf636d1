import { OptionsError } from '../errors.js';
import { withSlotCoverage } from '../payload/slots.js';
import type { CtxMeta } from '../payload/types.js';
import { DeltaState, deltaOf } from './delta.js';
import { STRATEGY_NAMES, type RankSide, type SchedulerSide, type StrategyName } from './types.js';

/** Throws OptionsError unless `name` is a strategy. */
export function checkStrategy(name: string): StrategyName {
  if (!(STRATEGY_NAMES as readonly string[]).includes(name)) {
    throw new OptionsError('strategy', `unknown strategy '${name}'; known: ${STRATEGY_NAMES.join(', ')}`);
  }
  return name as StrategyName;
}

/** What the scheduler sends for each step of a sequence (computed before any timing: the scheduler's bookkeeping, not serialization). */
export function wirePayloads(strategy: StrategyName, steps: readonly CtxMeta[]): CtxMeta[] {
  const side = createSchedulerSide(strategy);
  return steps.map((step, i) => side.wire(step, i === 0));
}

/** Creates the scheduler's side of a strategy; its bookkeeping runs before a step's clock starts. */
export function createSchedulerSide(strategy: StrategyName): SchedulerSide {
  switch (strategy) {
    case 'full':
      return { wire: (step) => withSlotCoverage(step, 'full') };
    case 'new-slots':
      return { wire: (step) => withSlotCoverage(step, 'new') };
    case 'no-slots':
      return { wire: (step) => withSlotCoverage(step, 'none') };
    case 'delta': {
      let previous: CtxMeta | null = null;
      return {
        wire: (step, restart) => {
          const delta = deltaOf(restart ? null : previous, step);
          previous = step;
          return delta;
        },
      };
    }
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
      return { apply: newSlotsFromFull, reset: () => undefined };
    case 'new-slots':
      return { apply: (wire) => wire, reset: () => undefined };
    case 'no-slots':
      return { apply: (wire) => withSlotCoverage(wire, 'new'), reset: () => undefined };
    case 'delta': {
      let state = new DeltaState();
      return {
        apply: (wire) => withSlotCoverage({ ...wire, ...state.apply(wire) }, 'new'),
        reset: () => {
          state = new DeltaState();
        },
      };
    }
  }
}

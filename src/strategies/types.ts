import type { CtxMeta } from '../payload/types.js';

/** What the scheduler puts on the wire each step. */
export type StrategyName = 'full' | 'new-slots' | 'no-slots' | 'delta';

/** Every strategy, in the order reports list them. */
export const STRATEGY_NAMES: readonly StrategyName[] = ['full', 'new-slots', 'no-slots', 'delta'];

/**
 * A rank's side of a strategy: turns each decoded wire payload into the step view the rank launches from —
 * block tables for every request and the slots of the tokens computed this step. Stateful for 'delta'.
 */
export interface RankSide {
  apply(wire: CtxMeta): CtxMeta;
}

import type { CtxMeta } from './ctx-meta/types.js';
import type { LaunchView } from './ctx-meta/launch-view.js';

/** What the scheduler puts on the wire each step. */
export type StrategyName = 'full' | 'new-slots' | 'no-slots' | 'delta';

/** Every strategy, in the order reports list them. */
export const STRATEGY_NAMES: readonly StrategyName[] = ['full', 'new-slots', 'no-slots', 'delta'];

/**
 * A rank's side of a strategy: turns each decoded wire payload into what the rank launches from — block tables for
 * every request and the slots of the tokens computed this step — in buffers it reuses, doing work proportional to
 * what changed. Stateful for 'delta'.
 */
export interface RankSide {
  apply(wire: CtxMeta): LaunchView;
  /** The launch view as a packed CtxMeta (the step view), for verification after the clock stops. */
  payloadOf(view: LaunchView): CtxMeta;
  /** Forgets what earlier steps left (a delta's per-request tables): the next step starts a new sequence. */
  reset(): void;
}

/** The scheduler's side of a strategy: what goes on the wire for each step, given the steps before it. */
export interface SchedulerSide {
  /** The wire payload for `step`; `restart` starts a new sequence (a delta then sends every table in full). */
  wire(step: CtxMeta, restart: boolean): CtxMeta;
}

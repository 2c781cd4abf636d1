import { OptionsError } from '../errors.js';

/** What the scheduler puts on the wire each step. */
export type StrategyName = 'full' | 'new-slots' | 'no-slots' | 'delta';

/** Every strategy, in the order reports list them. */
export const STRATEGY_NAMES: readonly StrategyName[] = ['full', 'new-slots', 'no-slots', 'delta'];

/** Throws OptionsError unless `name` is a strategy. */
export function checkStrategy(name: string): StrategyName {
  if (!(STRATEGY_NAMES as readonly string[]).includes(name)) {
    throw new OptionsError('strategy', `unknown strategy '${name}'; known: ${STRATEGY_NAMES.join(', ')}`);
  }
  return name as StrategyName;
}

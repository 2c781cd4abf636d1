import { createPrng } from '../kinds/prng.js';

/** The round order's seed when none is given. */
export const DEFAULT_ORDER_SEED = 1;

/** The order a round measures its configurations in: shuffled anew each round, so no row always follows the same one and inherits its garbage. */
export function roundOrder<T>(group: readonly T[], seed: number, launch: number, round: number): T[] {
  const prng = createPrng((seed ^ Math.imul(launch + 1, 0x9e3779b1) ^ Math.imul(round + 1, 0x85ebca6b)) >>> 0);
  const order = [...group];
  for (let i = order.length - 1; i > 0; i--) {
    const j = prng.nextBelow(i + 1);
    [order[i], order[j]] = [order[j] as T, order[i] as T];
  }
  return order;
}

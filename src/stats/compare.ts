import { OptionsError } from '../errors.js';
import { mannWhitneyU } from './mann-whitney.js';
import { quantile } from './quantile.js';

/** How a new run b compares with a baseline a. */
export interface Comparison {
  /** median(b) / median(a). */
  ratio: number;
  /** Two-sided Mann–Whitney p-value. */
  p: number;
  /** '~' when p >= alpha or the medians are equal; otherwise whether b's median is slower (larger) or faster. */
  verdict: 'faster' | 'slower' | '~';
}

/** Compares latency samples of a new run b against a baseline a by median ratio and a Mann–Whitney U test. */
export function compareSamples(a: readonly number[], b: readonly number[], alpha = 0.05): Comparison {
  if (!(alpha > 0 && alpha < 1)) throw new OptionsError('alpha', `must be in (0, 1), got ${alpha}`);
  const medianA = quantile([...a].sort((x, y) => x - y), 0.5);
  const medianB = quantile([...b].sort((x, y) => x - y), 0.5);
  const { p } = mannWhitneyU(a, b);
  const significant = p < alpha;
  const verdict = !significant || medianB === medianA ? '~' : medianB > medianA ? 'slower' : 'faster';
  return { ratio: medianB / medianA, p, verdict };
}

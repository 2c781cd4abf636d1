import { OptionsError } from '../errors.js';

/** A confidence interval for the median and the probability that it covers the true median. */
export interface MedianInterval {
  lo: number;
  hi: number;
  /** Achieved coverage P(x_(k) <= median < x_(n-k+1)); at least the requested confidence unless n is too small. */
  coverage: number;
}

/** ln(e^a + e^b) without overflow or underflow. */
function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  const hi = Math.max(a, b);
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi));
}

/**
 * Distribution-free confidence interval for the median of ascending samples: [x_(k), x_(n-k+1)] with the largest k
 * whose binomial coverage reaches `confidence`, or [min, max] with its lower coverage when n is too small.
 */
export function medianInterval(sorted: readonly number[], confidence = 0.95): MedianInterval {
  if (!(confidence > 0 && confidence < 1)) throw new OptionsError('confidence', `must be in (0, 1), got ${confidence}`);
  const n = sorted.length;
  if (n === 0) return { lo: Number.NaN, hi: Number.NaN, coverage: Number.NaN };
  // With B ~ Binomial(n, 1/2) the count of samples below the median, coverage(k) = 1 - 2 P(B <= k - 1).
  // Walk k up while the next rank still keeps coverage; pmf terms stay in log space so n = 1e5 cannot underflow.
  const logTail = Math.log((1 - confidence) / 2);
  let logPmf = -n * Math.LN2; // ln P(B = 0)
  let logCdf = logPmf; // ln P(B <= k - 1) for the current k
  let k = 1;
  while (k + 1 <= (n + 1) / 2) {
    logPmf += Math.log(n - (k - 1)) - Math.log(k); // ln P(B = k)
    const next = logAddExp(logCdf, logPmf);
    if (next > logTail) break;
    logCdf = next;
    k++;
  }
  return { lo: sorted[k - 1] ?? Number.NaN, hi: sorted[n - k] ?? Number.NaN, coverage: 1 - 2 * Math.exp(logCdf) };
}

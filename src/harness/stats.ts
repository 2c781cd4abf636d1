import type { LatencyStats } from './measure.js';

/** Linear-interpolated percentile of sorted samples. */
function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (at - lo);
}

/** Summarizes samples (ms) the way the tinybench wrapper does: p50, p99, mean and 95% relative margin of error. */
export function summarize(samples: readonly number[]): LatencyStats {
  const sorted = [...samples].sort((x, y) => x - y);
  const n = sorted.length;
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, n);
  const variance = n > 1 ? sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  const rme = n > 1 && mean > 0 ? ((1.96 * Math.sqrt(variance / n)) / mean) * 100 : 0;
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), mean: n === 0 ? Number.NaN : mean, rme, samples: n };
}

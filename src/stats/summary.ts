import { medianInterval } from './median-interval.js';
import { quantile } from './quantile.js';

/** Order-statistic summary of one set of latency samples. */
export interface SampleSummary {
  n: number;
  p50: number;
  /** 95% order-statistic CI of the median. */
  ci95: [number, number];
  /** Achieved coverage of ci95 (below 0.95 only when n < 6). */
  ciCoverage: number;
  /** 99th percentile; when n < 100 this is the maximum, and p99IsMax says so. */
  p99: number;
  p99IsMax: boolean;
  mean: number;
  min: number;
  max: number;
  /** Tukey fences as criterion.rs classifies outliers: mild beyond 1.5 IQR, severe beyond 3 IQR. */
  outliers: { lowSevere: number; lowMild: number; highMild: number; highSevere: number };
}

/** Below this many samples the 99th percentile is indistinguishable from the maximum. */
const P99_MIN_SAMPLES = 100;

/** Counts samples beyond Tukey's fences the way criterion.rs labels them; each sample lands in at most one bucket. */
function countOutliers(sorted: readonly number[]): SampleSummary['outliers'] {
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const iqr = q3 - q1;
  const counts = { lowSevere: 0, lowMild: 0, highMild: 0, highSevere: 0 };
  for (const x of sorted) {
    if (x < q1 - 3 * iqr) counts.lowSevere++;
    else if (x > q3 + 3 * iqr) counts.highSevere++;
    else if (x < q1 - 1.5 * iqr) counts.lowMild++;
    else if (x > q3 + 1.5 * iqr) counts.highMild++;
  }
  return counts;
}

/** Summarizes samples by median with its 95% order-statistic interval, p99, mean, extremes and outlier counts. */
export function summarizeSamples(samples: readonly number[]): SampleSummary {
  const sorted = [...samples].sort((x, y) => x - y);
  const n = sorted.length;
  const ci = medianInterval(sorted, 0.95);
  const max = sorted[n - 1] ?? Number.NaN;
  const p99IsMax = n < P99_MIN_SAMPLES;
  return {
    n,
    p50: quantile(sorted, 0.5),
    ci95: [ci.lo, ci.hi],
    ciCoverage: ci.coverage,
    p99: p99IsMax ? max : quantile(sorted, 0.99),
    p99IsMax,
    mean: n === 0 ? Number.NaN : sorted.reduce((s, x) => s + x, 0) / n,
    min: sorted[0] ?? Number.NaN,
    max,
    outliers: countOutliers(sorted),
  };
}

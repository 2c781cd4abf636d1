/** Quantile level at which the median of the maximum of k iid draws sits: 0.5^(1/k), so 0.5 for k = 1; NaN for k < 1. */
export function slowestOfQuantile(k: number): number {
  return k >= 1 ? 0.5 ** (1 / k) : Number.NaN;
}

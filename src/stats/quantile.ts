/** Linear-interpolated quantile (R type 7, numpy's default) of ascending samples; NaN when empty or q is outside [0, 1]. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0 || !(q >= 0 && q <= 1)) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const a = sorted[lo] ?? Number.NaN;
  if (at === lo) return a;
  const b = sorted[lo + 1] ?? Number.NaN;
  return a + (b - a) * (at - lo);
}

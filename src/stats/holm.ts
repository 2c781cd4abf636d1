/**
 * Holm–Bonferroni adjusted p-values, in the order given: the family-wise error rate stays at most alpha across all of
 * them when each is called significant where its adjusted p is below alpha (Holm 1979).
 */
export function holmAdjust(p: readonly number[]): number[] {
  const order = p.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const adjusted = new Array<number>(p.length).fill(1);
  let running = 0;
  order.forEach(({ value, index }, rank) => {
    // Monotone: an adjusted p is never below the one before it in sorted order.
    running = Math.max(running, Math.min(1, (p.length - rank) * value));
    adjusted[index] = running;
  });
  return adjusted;
}

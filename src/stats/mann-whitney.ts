import { normalSf } from './normal.js';

/** Result of a two-sided Mann–Whitney U test. */
export interface MannWhitneyResult {
  /** U of the first sample: pairs (a_i, b_j) with a_i > b_j, plus half the ties. */
  u: number;
  /** Two-sided p-value, at most 1; 1 when either sample is empty. */
  p: number;
  /** 'exact' for the permutation distribution (no ties, both samples of at most 50), else 'normal'. */
  method: 'exact' | 'normal';
}

/** Largest sample size, per side, for which the exact distribution is used. */
const EXACT_MAX = 50;

/** Midrank sum of sample a in the pooled ranking, whether any value is tied, and Σ(t³ − t) over tie groups. */
function rankPooled(a: readonly number[], b: readonly number[]): { rankSumA: number; tied: boolean; tieTerm: number } {
  const pooled = [...a.map((v) => ({ v, inA: true })), ...b.map((v) => ({ v, inA: false }))].sort((x, y) => x.v - y.v);
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < pooled.length; ) {
    let j = i + 1;
    while (j < pooled.length && pooled[j]?.v === pooled[i]?.v) j++;
    const t = j - i;
    const midrank = (i + 1 + j) / 2;
    for (let m = i; m < j; m++) if (pooled[m]?.inA) rankSumA += midrank;
    tieTerm += t ** 3 - t;
    i = j;
  }
  return { rankSumA, tied: tieTerm > 0, tieTerm };
}

/**
 * P(U <= uMax) under H0 for samples of sizes n1 and n2 without ties, by the recurrence over which sample holds the
 * largest value: p(m, n, u) = m/(m+n)·p(m−1, n, u−n) + n/(m+n)·p(m, n−1, u). Only terms u <= uMax are kept.
 */
function exactLowerTail(n1: number, n2: number, uMax: number): number {
  const width = uMax + 1;
  const unit = (): Float64Array => {
    const f = new Float64Array(width);
    f[0] = 1;
    return f;
  };
  // prev[j] holds p(i − 1, j, ·); p(0, j, ·) is a point mass at 0.
  let prev = Array.from({ length: n2 + 1 }, unit);
  for (let i = 1; i <= n1; i++) {
    const cur = [unit()];
    for (let j = 1; j <= n2; j++) {
      const up = prev[j] ?? unit();
      const left = cur[j - 1] ?? unit();
      const f = new Float64Array(width);
      for (let u = 0; u < width; u++) f[u] = (i * (u >= j ? (up[u - j] ?? 0) : 0) + j * (left[u] ?? 0)) / (i + j);
      cur.push(f);
    }
    prev = cur;
  }
  return (prev[n2] ?? unit()).reduce((s, x) => s + x, 0);
}

/**
 * Two-sided Mann–Whitney U test of samples a and b: exact when there are no ties and both have at most 50 values,
 * otherwise (or when `method` is 'normal') the normal approximation with tie and continuity correction, as scipy's
 * mannwhitneyu(method='asymptotic').
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[], method: 'auto' | 'normal' = 'auto'): MannWhitneyResult {
  const n1 = a.length;
  const n2 = b.length;
  if (a.some(Number.isNaN) || b.some(Number.isNaN)) return { u: Number.NaN, p: Number.NaN, method: 'normal' };
  if (n1 === 0 || n2 === 0) return { u: 0, p: 1, method: method === 'normal' ? 'normal' : 'exact' };
  const { rankSumA, tied, tieTerm } = rankPooled(a, b);
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const uBig = Math.max(u, n1 * n2 - u);
  if (method === 'auto' && !tied && n1 <= EXACT_MAX && n2 <= EXACT_MAX) {
    // The null distribution is symmetric, so P(U >= uBig) = P(U <= n1·n2 − uBig).
    return { u, p: Math.min(1, 2 * exactLowerTail(n1, n2, n1 * n2 - uBig)), method: 'exact' };
  }
  const n = n1 + n2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sd === 0) return { u, p: 1, method: 'normal' };
  const z = (uBig - (n1 * n2) / 2 - 0.5) / sd;
  return { u, p: Math.min(1, 2 * normalSf(z)), method: 'normal' };
}

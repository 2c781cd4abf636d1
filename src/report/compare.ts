import { basename } from 'node:path';
import { compareSamples } from '../stats/compare.js';
import { summarizeSamples, type SampleSummary } from '../stats/summary.js';
import type { StallRow } from '../run/row.js';
import { formatMs, textTable } from './format.js';
import type { SweepResultsFile } from './sweep-results.js';

/** One row present in both runs: its two medians with their intervals, the ratio and the test's verdict. */
export interface ComparisonRow {
  key: string;
  runtime: string;
  codec: string;
  strategy: string;
  transport: string;
  seqLen: number;
  /** Each run's samples the test compared (launch medians, block medians or steps), summarized: the printed median and interval. */
  a: SampleSummary;
  b: SampleSummary;
  /** b's median / a's median. */
  ratio: number;
  /** Two-sided Mann–Whitney U p-value of the two runs' samples. */
  p: number;
  /**
   * What the test compared, and how many of each run: launch medians where both runs have at least 5 launches (the
   * only samples independent of one process's state), else block medians, else single steps.
   */
  unit: 'launches' | 'blocks' | 'steps';
  counts: [number, number];
  /** '~' when the difference is not significant at alpha; else whether b is faster or slower than a. */
  verdict: 'faster' | 'slower' | '~';
}

/** What compareResults found. */
export interface Comparison {
  alpha: number;
  rows: ComparisonRow[];
  onlyInA: string[];
  onlyInB: string[];
  /** Rows in both whose shm-ring ends waited under different policies: their change includes the policy's. */
  policyDiffers: { key: string; a: string; b: string }[];
}

const policyOf = (row: Pick<StallRow, 'report'>): string => JSON.stringify(row.report.waitPolicy ?? null);

/** The fields that make two rows the same configuration. */
export function rowKey(row: Pick<StallRow, 'runtime' | 'codec' | 'strategy' | 'transport' | 'batch' | 'seqLen' | 'sequence'> & { report: { regime: string; measuredTp: number } }): string {
  const size = row.sequence === 'generated' ? `${row.batch}x${row.seqLen}` : basename(row.sequence);
  return `${row.runtime} ${row.codec} ${row.strategy} ${row.transport} ${row.report.regime} ${size} tp=${row.report.measuredTp}`;
}

type Comparable = Pick<StallRow, 'blocks' | 'report' | 'launches'>;

/** The samples a comparison tests: the most independent unit both rows have enough of. */
function testedSamples(a: Comparable, b: Comparable): { unit: ComparisonRow['unit']; of: (row: Comparable) => number[] } {
  // Steps of one block share the machine's state of that moment, and blocks of one launch share its processes.
  if (a.launches.length >= 5 && b.launches.length >= 5) return { unit: 'launches', of: (row) => row.launches.map((l) => l.p50) };
  if (a.blocks.length >= 5 && b.blocks.length >= 5) return { unit: 'blocks', of: (row) => row.blocks };
  return { unit: 'steps', of: (row) => row.report.samples.stall };
}

/** Two rows' stalls tested against each other, on launch medians, block medians or single steps (the first both have enough of). */
export function compareRows(a: Comparable, b: Comparable, alpha = 0.05): Pick<ComparisonRow, 'a' | 'b' | 'ratio' | 'p' | 'unit' | 'counts' | 'verdict'> {
  const { unit, of } = testedSamples(a, b);
  const [x, y] = [of(a), of(b)];
  return { ...compareSamples(x, y, alpha), a: summarizeSamples(x), b: summarizeSamples(y), unit, counts: [x.length, y.length] };
}

/** Compares every row present in both runs, benchstat-style: each block of steps is one sample, as each run is to benchstat. */
export function compareResults(a: Pick<SweepResultsFile, 'rows'>, b: Pick<SweepResultsFile, 'rows'>, alpha = 0.05): Comparison {
  const inB = new Map(b.rows.map((row) => [rowKey(row), row]));
  const inA = new Set(a.rows.map(rowKey));
  const rows: ComparisonRow[] = [];
  const policyDiffers: Comparison['policyDiffers'] = [];
  for (const rowA of a.rows) {
    const key = rowKey(rowA);
    const rowB = inB.get(key);
    if (rowB === undefined) continue;
    if (policyOf(rowA) !== policyOf(rowB)) policyDiffers.push({ key, a: policyOf(rowA), b: policyOf(rowB) });
    rows.push({ key, runtime: rowA.runtime, codec: rowA.codec, strategy: rowA.strategy, transport: rowA.transport, seqLen: rowA.seqLen, ...compareRows(rowA, rowB, alpha) });
  }
  return {
    alpha,
    rows,
    onlyInA: a.rows.map(rowKey).filter((k) => !inB.has(k)),
    onlyInB: b.rows.map(rowKey).filter((k) => !inA.has(k)),
    policyDiffers,
  };
}

/** Rows significantly slower in b by more than `percent`: what `--fail-above` fails on. */
export function regressions(comparison: Comparison, percent: number): ComparisonRow[] {
  return comparison.rows.filter((r) => r.verdict === 'slower' && (r.ratio - 1) * 100 > percent);
}

const interval = (s: SampleSummary): string => `${formatMs(s.p50)} [${formatMs(s.ci95[0])}, ${formatMs(s.ci95[1])}]`;

const delta = (r: ComparisonRow): string => (r.verdict === '~' ? '~' : `${r.ratio >= 1 ? '+' : ''}${((r.ratio - 1) * 100).toFixed(1)}%`);

/** The comparison as a plain-text table, benchstat's way: medians with 95% intervals, the change or '~', and p. */
export function formatComparison(c: Comparison, names: { a: string; b: string }): string {
  // Runtime and transport get a column only where the rows differ in them: otherwise two rows would read as one.
  const runtimes = new Set(c.rows.map((r) => r.runtime)).size > 1;
  const transports = new Set(c.rows.map((r) => r.transport)).size > 1;
  const table = textTable(
    [...(runtimes ? ['runtime'] : []), 'codec', 'strategy', ...(transports ? ['transport'] : []), 'seq_len', `${names.a} p50 ms [95% CI]`, `${names.b} p50 ms [95% CI]`, 'change', 'p', 'tested on', 'verdict'],
    c.rows.map((r) => [
      ...(runtimes ? [r.runtime] : []),
      r.codec,
      r.strategy,
      ...(transports ? [r.transport] : []),
      String(r.seqLen),
      interval(r.a),
      interval(r.b),
      delta(r),
      r.p < 0.001 ? '<0.001' : r.p.toFixed(3),
      `${r.counts[0]}+${r.counts[1]} ${r.unit}`,
      r.verdict,
    ]),
  );
  const same = c.rows.filter((r) => r.verdict === '~').length;
  const within10 = c.rows.filter((r) => r.verdict === '~' || Math.abs(r.ratio - 1) <= 0.1).length;
  const lines = [
    table,
    '',
    `${c.rows.length} rows in both: ${same} ~ (p ≥ ${c.alpha}), ${c.rows.filter((r) => r.verdict === 'faster').length} faster, ${c.rows.filter((r) => r.verdict === 'slower').length} slower; ${within10} (${((within10 / Math.max(1, c.rows.length)) * 100).toFixed(0)}%) either ~ or within ±10%.`,
  ];
  const differ = c.policyDiffers[0];
  if (differ !== undefined) {
    lines.push(`${c.policyDiffers.length} row(s) ran under different shm-ring wait policies (${names.a}: ${differ.a}; ${names.b}: ${differ.b}): their change includes the policy's.`);
  }
  if (c.onlyInA.length > 0) lines.push(`only in ${names.a}: ${c.onlyInA.join('; ')}`);
  if (c.onlyInB.length > 0) lines.push(`only in ${names.b}: ${c.onlyInB.join('; ')}`);
  return lines.join('\n');
}

import { basename } from 'node:path';
import { mannWhitneyU } from '../stats/mann-whitney.js';
import { holmAdjust } from '../stats/holm.js';
import { quantile } from '../stats/quantile.js';
import type { SampleSummary } from '../stats/summary.js';
import type { StallRow } from '../run/row.js';
import { formatMs, textTable } from './format.js';
import type { SweepResultsFile } from './sweep-results.js';

/** Fewest independent samples (launches or blocks) each run needs before its row is tested at all. */
export const MIN_TESTED = 6;

/** What a row's test compared: independent samples of each run, their medians and the test's p-values. */
export interface RowTest {
  /** Launch medians where both runs have enough launches, else block medians; steps only where asked (within one run). */
  unit: 'launches' | 'blocks' | 'steps';
  counts: [number, number];
  /** The medians of the tested samples, which can differ from the headline medians (those are over steps). */
  medians: [number, number];
  /** Two-sided Mann–Whitney U p-value. */
  p: number;
}

/** One row present in both runs: the two headline stalls, the change, the test and its verdict. */
export interface ComparisonRow {
  key: string;
  runtime: string;
  codec: string;
  strategy: string;
  transport: string;
  seqLen: number;
  /** Each run's headline stall, the figure the sweep and its tables print: the median of the steps, its interval over the block medians. */
  a: SampleSummary;
  b: SampleSummary;
  /** b's headline median / a's. */
  ratio: number;
  /** The test, or null where a run has fewer than MIN_TESTED launches and blocks: no verdict from steps of one block. */
  test: RowTest | null;
  /** The test's p adjusted (Holm) over every tested row of the comparison; 1 where untested. */
  pAdjusted: number;
  /**
   * '?': too few independent samples to test; '~': not significant after the correction, or a change smaller than the
   * noise threshold; else b is faster or slower than a.
   */
  verdict: 'faster' | 'slower' | '~' | '?';
}

/** What compareResults found. */
export interface Comparison {
  alpha: number;
  /** Changes smaller than this (percent) are '~' even when significant. */
  noisePercent: number;
  rows: ComparisonRow[];
  onlyInA: string[];
  onlyInB: string[];
  /** Rows in both whose shm-ring ends waited under different policies: their change includes the policy's. */
  policyDiffers: { key: string; a: string; b: string }[];
}

/** How compareResults decides. */
export interface CompareOptions {
  /** Family-wise error rate over every tested row (default 0.05). */
  alpha?: number;
  /** Noise threshold in percent (default 1, as criterion's): smaller changes are '~'. */
  noisePercent?: number;
}

const policyOf = (row: Pick<StallRow, 'report'>): string => JSON.stringify(row.report.waitPolicy ?? null);

/** The fields that make two rows the same configuration. */
export function rowKey(row: Pick<StallRow, 'runtime' | 'codec' | 'strategy' | 'transport' | 'batch' | 'seqLen' | 'sequence' | 'wait'> & { report: { regime: string; measuredTp: number; idleMs?: number } }): string {
  const size = row.sequence === 'generated' ? `${row.batch}x${row.seqLen}` : basename(row.sequence);
  // A policy or an idle step asked for makes another configuration; rows of a run that asked for neither keep the old key.
  const waiting = `${row.wait === undefined ? '' : ` wait=${row.wait}`}${(row.report.idleMs ?? 0) > 0 ? ` idle=${row.report.idleMs}ms` : ''}`;
  return `${row.runtime} ${row.codec} ${row.strategy} ${row.transport} ${row.report.regime} ${size} tp=${row.report.measuredTp}${waiting}`;
}

type Comparable = Pick<StallRow, 'blocks' | 'report' | 'launches'>;

const median = (xs: readonly number[]): number => quantile([...xs].sort((x, y) => x - y), 0.5);

/**
 * Two rows' stalls tested against each other on the most independent samples both have enough of: launch medians,
 * else block medians (steps of one block share the machine's state of that moment, blocks of one launch its
 * processes). Null where neither is enough, unless `steps` allows single steps (two rows of one run, far apart).
 */
export function testRows(a: Comparable, b: Comparable, options: { steps?: boolean } = {}): RowTest | null {
  const pick = (): { unit: RowTest['unit']; of: (row: Comparable) => number[] } | null => {
    if (a.launches.length >= MIN_TESTED && b.launches.length >= MIN_TESTED) return { unit: 'launches', of: (row) => row.launches.map((l) => l.p50) };
    if (a.blocks.length >= MIN_TESTED && b.blocks.length >= MIN_TESTED) return { unit: 'blocks', of: (row) => row.blocks };
    return options.steps === true ? { unit: 'steps', of: (row) => row.report.samples.stall } : null;
  };
  const chosen = pick();
  if (chosen === null) return null;
  const [x, y] = [chosen.of(a), chosen.of(b)];
  return { unit: chosen.unit, counts: [x.length, y.length], medians: [median(x), median(y)], p: mannWhitneyU(x, y).p };
}

/** The verdict on one tested row: significant after correction, larger than the noise, and the same way in both medians. */
function verdictOf(ratio: number, test: RowTest | null, pAdjusted: number, alpha: number, noisePercent: number): ComparisonRow['verdict'] {
  if (test === null) return '?';
  const [ma, mb] = test.medians;
  if (pAdjusted >= alpha || Math.abs(ratio - 1) * 100 < noisePercent || ma === mb) return '~';
  // The headline and the tested medians must move the same way, or the change is not one the test backs.
  if (mb > ma !== ratio > 1) return '~';
  return mb > ma ? 'slower' : 'faster';
}

/**
 * Compares every row present in both runs, benchstat-style: each launch or block of steps one sample, as each run is
 * one to benchstat; Holm's correction over the rows, so an A/A comparison flags any row with probability at most alpha.
 */
export function compareResults(a: Pick<SweepResultsFile, 'rows'>, b: Pick<SweepResultsFile, 'rows'>, options: CompareOptions = {}): Comparison {
  const alpha = options.alpha ?? 0.05;
  const noisePercent = options.noisePercent ?? 1;
  const inB = new Map(b.rows.map((row) => [rowKey(row), row]));
  const inA = new Set(a.rows.map(rowKey));
  const pairs: { key: string; rowA: StallRow; rowB: StallRow; test: RowTest | null }[] = [];
  const policyDiffers: Comparison['policyDiffers'] = [];
  for (const rowA of a.rows) {
    const key = rowKey(rowA);
    const rowB = inB.get(key);
    if (rowB === undefined) continue;
    if (policyOf(rowA) !== policyOf(rowB)) policyDiffers.push({ key, a: policyOf(rowA), b: policyOf(rowB) });
    pairs.push({ key, rowA, rowB, test: testRows(rowA, rowB) });
  }
  const tested = pairs.filter((pair) => pair.test !== null);
  const adjusted = new Map(tested.map((pair, i) => [pair, holmAdjust(tested.map((t) => t.test?.p ?? 1))[i] ?? 1]));
  const rows = pairs.map((pair): ComparisonRow => {
    const { rowA, rowB, test } = pair;
    const ratio = rowB.stallOverBlocks.p50 / rowA.stallOverBlocks.p50;
    const pAdjusted = adjusted.get(pair) ?? 1;
    return {
      key: pair.key,
      runtime: rowA.runtime,
      codec: rowA.codec,
      strategy: rowA.strategy,
      transport: rowA.transport,
      seqLen: rowA.seqLen,
      a: rowA.stallOverBlocks,
      b: rowB.stallOverBlocks,
      ratio,
      test,
      pAdjusted,
      verdict: verdictOf(ratio, test, pAdjusted, alpha, noisePercent),
    };
  });
  return { alpha, noisePercent, rows, onlyInA: a.rows.map(rowKey).filter((k) => !inB.has(k)), onlyInB: b.rows.map(rowKey).filter((k) => !inA.has(k)), policyDiffers };
}

/** Rows significantly slower in b by more than `percent`: what `--fail-above` fails on. */
export function regressions(comparison: Comparison, percent: number): ComparisonRow[] {
  return comparison.rows.filter((r) => r.verdict === 'slower' && (r.ratio - 1) * 100 > percent);
}

const interval = (s: SampleSummary): string => `${formatMs(s.p50)} [${formatMs(s.ci95[0])}, ${formatMs(s.ci95[1])}]`;

const change = (r: ComparisonRow): string => `${r.ratio >= 1 ? '+' : ''}${((r.ratio - 1) * 100).toFixed(1)}%`;

const pText = (p: number): string => (p < 0.001 ? '<0.001' : p.toFixed(3));

/** What a row's test compared, as "10+10 blocks 1.02→1.31", or why it was not tested. */
function testText(r: ComparisonRow): string {
  if (r.test === null) return `too few samples (< ${MIN_TESTED} blocks)`;
  const { counts, unit, medians } = r.test;
  return `${counts[0]}+${counts[1]} ${unit} ${formatMs(medians[0])}→${formatMs(medians[1])}`;
}

/** The comparison as a plain-text table, benchstat's way: headline medians with 95% intervals, the change, the test, the verdict. */
export function formatComparison(c: Comparison, names: { a: string; b: string }): string {
  // Runtime and transport get a column only where the rows differ in them: otherwise two rows would read as one.
  const runtimes = new Set(c.rows.map((r) => r.runtime)).size > 1;
  const transports = new Set(c.rows.map((r) => r.transport)).size > 1;
  const table = textTable(
    [...(runtimes ? ['runtime'] : []), 'codec', 'strategy', ...(transports ? ['transport'] : []), 'seq_len', `${names.a} p50 ms [95% CI]`, `${names.b} p50 ms [95% CI]`, 'change', 'tested: n, medians', 'p', 'p Holm', 'verdict'],
    c.rows.map((r) => [
      ...(runtimes ? [r.runtime] : []),
      r.codec,
      r.strategy,
      ...(transports ? [r.transport] : []),
      String(r.seqLen),
      interval(r.a),
      interval(r.b),
      change(r),
      testText(r),
      r.test === null ? '-' : pText(r.test.p),
      r.test === null ? '-' : pText(r.pAdjusted),
      r.verdict,
    ]),
  );
  const count = (v: ComparisonRow['verdict']): number => c.rows.filter((r) => r.verdict === v).length;
  const within10 = c.rows.filter((r) => r.verdict === '~' || Math.abs(r.ratio - 1) <= 0.1).length;
  const lines = [
    table,
    '',
    `${c.rows.length} rows in both: ${count('~')} ~, ${count('faster')} faster, ${count('slower')} slower, ${count('?')} ? (too few samples to test); ${within10} (${((within10 / Math.max(1, c.rows.length)) * 100).toFixed(0)}%) either ~ or within ±10%. Significant: Holm-adjusted p < ${c.alpha} over the ${c.rows.length - count('?')} tested rows and a change of at least ${c.noisePercent}%.`,
  ];
  if (count('?') > 0) lines.push(`${count('?')} rows have fewer than ${MIN_TESTED} blocks in a run (as --quick runs had): steps of one block are not independent, so they get no verdict.`);
  const differ = c.policyDiffers[0];
  if (differ !== undefined) {
    lines.push(`${c.policyDiffers.length} row(s) ran under different shm-ring wait policies (${names.a}: ${differ.a}; ${names.b}: ${differ.b}): their change includes the policy's.`);
  }
  if (c.onlyInA.length > 0) lines.push(`only in ${names.a}: ${c.onlyInA.join('; ')}`);
  if (c.onlyInB.length > 0) lines.push(`only in ${names.b}: ${c.onlyInB.join('; ')}`);
  return lines.join('\n');
}

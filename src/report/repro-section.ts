import { compareResults, type ComparisonRow } from './compare.js';
import { formatMs, markdownTable } from './format.js';
import type { SweepResultsFile } from './sweep-results.js';

/** Version of the baseline pointer's schema. */
export const BASELINE_SCHEMA_VERSION = 1;

/** What results/baseline.json holds: the earlier run the newest is compared with, relative to the results folder. */
export interface BaselinePointer {
  schemaVersion: typeof BASELINE_SCHEMA_VERSION;
  json: string;
}

const pct = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

/** How two runs of the same sweep agree, counted every way the trust target and a sceptical reader need. */
export interface ReproFigures {
  rows: number;
  /** Not significantly different (Mann–Whitney on block medians, Holm-corrected) or under the noise threshold. */
  same: number;
  /** Medians within ±10% of each other, whatever the test says. */
  within10: number;
  /** `~` or within ±10%: the target's own measure. */
  held: number;
  /** Rows whose second median is above, and below, the first: a shift in one direction is the machine changing between runs. */
  higher: number;
  lower: number;
  medianAbsChange: number;
  medianSignedChange: number;
}

const medianOf = (values: number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

const held = (r: ComparisonRow): boolean => r.verdict === '~' || Math.abs(r.ratio - 1) <= 0.1;

/** Counts agreement between the rows of one comparison. */
export function reproFigures(rows: readonly ComparisonRow[]): ReproFigures {
  return {
    rows: rows.length,
    same: rows.filter((r) => r.verdict === '~').length,
    within10: rows.filter((r) => Math.abs(r.ratio - 1) <= 0.1).length,
    held: rows.filter(held).length,
    higher: rows.filter((r) => r.ratio > 1).length,
    lower: rows.filter((r) => r.ratio < 1).length,
    medianAbsChange: medianOf(rows.map((r) => Math.abs(r.ratio - 1))),
    medianSignedChange: medianOf(rows.map((r) => r.ratio - 1)),
  };
}

const share = (k: number, n: number): string => `${k} (${((k / Math.max(1, n)) * 100).toFixed(0)}%)`;

/** The share of rows two runs agree on, in the words and numbers of the trust target, with every row that did not. */
export function reproSection(a: SweepResultsFile, b: SweepResultsFile, names: { a: string; b: string }): string {
  const c = compareResults(a, b);
  const f = reproFigures(c.rows);
  const off = c.rows
    .filter((r) => !held(r))
    .sort((x, y) => Math.abs(y.ratio - 1) - Math.abs(x.ratio - 1))
    .map((r) => [r.codec, r.strategy, String(r.seqLen), `${formatMs(r.a.p50)} (n=${r.a.n})`, `${formatMs(r.b.p50)} (n=${r.b.n})`, pct(r.ratio - 1), r.test === null ? 'untested' : r.pAdjusted < 0.001 ? '<0.001' : r.pAdjusted.toFixed(3)]);
  const commits = [a.context.gitCommit, b.context.gitCommit].map((x) => x?.slice(0, 10) ?? 'unknown');
  const direction =
    Math.max(f.higher, f.lower) >= 0.75 * f.rows
      ? ` Most rows moved the same way (${f.higher} up, ${f.lower} down): the machine, not the codecs, changed between the runs — the intervals take in the drift within a run, not between runs, so a row can be \`~\` by its test and still be more than 10% off.`
      : ` Rows moved both ways (${f.higher} up, ${f.lower} down).`;
  return [
    `Two full sweeps back to back (\`${names.a}\`, commit ${commits[0]}, started ${a.context.date}; \`${names.b}\`, commit ${commits[1]}, started ${b.context.date}), compared with \`stallbench compare\`: ` +
      `of ${f.rows} rows measured at tp=2, **${share(f.held, f.rows)} are \`~\` or within ±10%** — ` +
      `${share(f.same, f.rows)} \`~\` (not significant at ${c.alpha} after Holm's correction over the rows, or under ${c.noisePercent}%), ${share(f.within10, f.rows)} within ±10% of the first run's median. ` +
      `The median change is ${pct(f.medianSignedChange)} (median |change| ${(f.medianAbsChange * 100).toFixed(1)}%).${direction}`,
    '',
    off.length === 0 ? 'Every row held.' : `The rows that did not hold, largest change first:\n\n${markdownTable(['codec', 'strategy', 'seq_len', 'first p50 ms', 'second p50 ms', 'change', 'p (Holm)'], off)}`,
  ].join('\n');
}

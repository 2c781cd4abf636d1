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

/** The share of rows two runs agree on, in the words and numbers of the trust target, with every row that did not. */
export function reproSection(a: SweepResultsFile, b: SweepResultsFile, names: { a: string; b: string }): string {
  const c = compareResults(a, b);
  const held = (r: ComparisonRow): boolean => r.verdict === '~' || Math.abs(r.ratio - 1) <= 0.1;
  const good = c.rows.filter(held).length;
  const same = c.rows.filter((r) => r.verdict === '~').length;
  const sorted = c.rows.map((r) => Math.abs(r.ratio - 1)).sort((x, y) => x - y);
  const medianShift = sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
  const off = c.rows
    .filter((r) => !held(r))
    .sort((x, y) => Math.abs(y.ratio - 1) - Math.abs(x.ratio - 1))
    .map((r) => [r.codec, r.strategy, String(r.seqLen), `${formatMs(r.a.p50)} (n=${r.a.n})`, `${formatMs(r.b.p50)} (n=${r.b.n})`, pct(r.ratio - 1), r.p < 0.001 ? '<0.001' : r.p.toFixed(3)]);
  const commits = [a.context.gitCommit, b.context.gitCommit].map((x) => x?.slice(0, 10) ?? 'unknown');
  return [
    `Two full sweeps back to back (\`${names.a}\`, commit ${commits[0]}, started ${a.context.date}; \`${names.b}\`, commit ${commits[1]}, started ${b.context.date}), compared with \`stallbench compare\`: ` +
      `of ${c.rows.length} rows measured at tp=2, **${good} (${((good / Math.max(1, c.rows.length)) * 100).toFixed(0)}%) are \`~\` or within ±10%** ` +
      `(${same} not significantly different at p < ${c.alpha}); the median |change| is ${(medianShift * 100).toFixed(1)}%.`,
    '',
    off.length === 0 ? 'Every row held.' : `The rows that did not hold, largest change first:\n\n${markdownTable(['codec', 'strategy', 'seq_len', 'first p50 ms', 'second p50 ms', 'change', 'p'], off)}`,
  ].join('\n');
}

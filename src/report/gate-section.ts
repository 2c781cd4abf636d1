import type { RunContext } from '../harness/context.js';
import { formatMs } from './format.js';
import { provenance } from './provenance.js';

/** Version of the gate error-rate file's schema. */
export const GATE_SCHEMA_VERSION = 1;

/** Identical pairs of runs, compared as the gate compares them. */
export interface AaOutcome {
  pairs: number;
  /** Rows compared over all pairs, those called faster or slower, and those untested ('?'). */
  rows: number;
  flagged: number;
  untested: number;
  /** Pairs on which `--fail-above` would have failed the build. */
  failedPairs: number;
}

/** What scripts/gate-error-rates.mjs writes: the gate's false-alarm and detection rates on one machine. */
export interface GateResultsFile {
  schemaVersion: typeof GATE_SCHEMA_VERSION;
  kind: 'gate';
  command: string;
  context: RunContext;
  failAbove: number;
  quick: AaOutcome;
  full: AaOutcome;
  /** Each pair's A median of the slowed row, the extra spun (20% of it) and the change B showed, in pair order. */
  ab: { pairs: number; row: string; baseMs: number[]; slowUs: number[]; detected: number; failedPairs: number; ratios: number[]; otherRows: number; otherRowsFlagged: number };
}

const share = (k: number, n: number): string => `${k} of ${n} (${((k / Math.max(1, n)) * 100).toFixed(1)}%)`;

/** The gate's measured error rates, against its targets, for the README's compare section. */
export function gateSection(file: GateResultsFile, source: string): string {
  const { quick, full, ab, failAbove } = file;
  const ratios = [...ab.ratios].sort((x, y) => x - y);
  const range = (xs: readonly number[], f: (x: number) => string): string => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;
  const met = (ok: boolean): string => (ok ? 'target met' : '**target not met**');
  return [
    `${provenance(file.context, source)} \`${file.command}\`, on the suite of \`benchmarks/gate.mjs\` (${full.rows / Math.max(1, full.pairs)} rows a run).`,
    '',
    '| what | pairs | rows flagged faster or slower | `--fail-above ' + String(failAbove) + '` failed | target |',
    '|---|---|---|---|---|',
    `| A/A, full sampling | ${full.pairs} | ${share(full.flagged, full.rows)} | ${full.failedPairs} of ${full.pairs} pairs | at most 1 of 10 pairs failed: ${met(full.failedPairs * 10 <= full.pairs)} |`,
    `| A/A, \`--quick\` | ${quick.pairs} | ${share(quick.flagged, quick.rows)}; ${quick.untested} untested (\`?\`) | ${quick.failedPairs} of ${quick.pairs} pairs | (none; quick runs are for smoke tests) |`,
    `| A/B: \`${ab.row}\` 20% slower (${range(ab.slowUs, String)} µs spun per decode, 20% of its ${range(ab.baseMs, formatMs)} ms stall in each pair's A run), full | ${ab.pairs} | that row detected in ${ab.detected} of ${ab.pairs} pairs (change ${((ratios[0] ?? 1) * 100 - 100).toFixed(0)}% to ${((ratios[ratios.length - 1] ?? 1) * 100 - 100).toFixed(0)}%); other rows flagged ${share(ab.otherRowsFlagged, ab.otherRows)} | ${ab.failedPairs} of ${ab.pairs} pairs | detected in at least 9 of 10: ${met(ab.detected * 10 >= ab.pairs * 9)} |`,
  ].join('\n');
}

import { fitTable } from './terminal-table.js';
import { seriesName } from './charts.js';
import { decisionTable, sizeLabel, whatToChange } from './decision-section.js';
import type { SweepResultsFile } from './sweep-results.js';
import { bandText, withInterval } from './sweep-section.js';

/**
 * The sweep's summary for a terminal, decision first: the decision table, what to change, then every row at the
 * largest size with its stall and the first projected TP's band and idle share, each table fitted to the width.
 */
export function terminalSummary(results: SweepResultsFile, width: number): string {
  const decision = decisionTable(results);
  const largest = Math.max(...results.rows.map((r) => r.seqLen));
  const tp = results.options.projectTp[0];
  const transports = new Set(results.rows.map((r) => r.transport)).size > 1;
  const rows = results.rows
    .filter((r) => r.seqLen === largest)
    .sort((a, b) => a.stallOverBlocks.p50 - b.stallOverBlocks.p50)
    .map((r) => {
      const p = r.projections[0];
      const idle = p?.low == null || p.high == null ? '-' : `${(p.low.idleFraction * 100).toFixed(1)}–${(p.high.idleFraction * 100).toFixed(1)}%`;
      return [seriesName(r), r.strategy, ...(transports ? [r.transport] : []), `${withInterval(r.stallOverBlocks)}${r.report.atFloor ? ' =' : ''}`, tp === undefined ? '-' : bandText(r, tp), idle];
    });
  const header = ['codec', 'strategy', ...(transports ? ['transport'] : []), 'stall ms [95% CI]', `tp${tp ?? ''} ms band`, `tp${tp ?? ''} idle`];
  const first = fitTable(decision.header, decision.rows, width);
  const all = fitTable(header, rows, width);
  const cut = first.dropped + all.dropped;
  const dropped = cut > 0 ? `\n(${cut} column${cut === 1 ? '' : 's'} did not fit ${width} columns; the CSV has every figure)` : '';
  return [
    `The decision — batch ${results.options.batch}, stall per step at tp=2 (real processes), idle at tp${tp ?? '-'} (${results.rows[0]?.projections[0]?.stepTime?.label ?? 'no step time'}):`,
    first.text,
    whatToChange(results),
    '',
    `Every row at ${sizeLabel(results, largest)} (= at the harness floor; band: every rank as fast as this one – the slowest of tp−1; *: measured with more processes than cores):`,
    all.text + dropped,
  ].join('\n');
}

import { fitTable } from './terminal-table.js';
import { seriesName } from './charts.js';
import { decisionTable, sizeLabel, whatToChange } from './decision-section.js';
import type { SweepResultsFile } from './sweep-results.js';
import { bandText, tailCell, waitText, withInterval } from './sweep-section.js';

/**
 * The sweep's summary for a terminal, decision first: the decision table, what to change, then every row at the
 * largest size with its stall and the first projected TP's band and idle share, each table fitted to the width.
 */
export function terminalSummary(results: SweepResultsFile, width: number): string {
  const decision = decisionTable(results);
  const largest = Math.max(...results.rows.map((r) => r.seqLen));
  const tp = results.options.projectTp[0];
  const transports = new Set(results.rows.map((r) => r.transport)).size > 1;
  // A column of its own only where the run measured several policies; otherwise the preamble names the policy.
  const waits = (results.options.wait?.length ?? 0) > 1;
  const cpu = results.rows.some((r) => r.cpu !== undefined && r.cpu.length > 0);
  // What waiting costs beside what it buys: the CPU of every process per step, and the cores the first rank kept busy.
  const cpuCells = (r: (typeof results.rows)[number]): string[] => {
    if (!cpu) return [];
    const used = r.cpu ?? [];
    const rank = used.find((c) => c.rank === 1);
    return [used.length === 0 ? '-' : used.reduce((sum, c) => sum + c.usPerStep, 0).toFixed(0), rank === undefined ? '-' : rank.cores.toFixed(2)];
  };
  const rows = results.rows
    .filter((r) => r.seqLen === largest)
    .sort((a, b) => a.stallOverBlocks.p50 - b.stallOverBlocks.p50)
    .map((r) => {
      const p = r.projections[0];
      const idle = p?.low == null || p.high == null ? '-' : `${(p.low.idleFraction * 100).toFixed(1)}–${(p.high.idleFraction * 100).toFixed(1)}%`;
      return [
        seriesName(r),
        r.strategy,
        ...(transports ? [r.transport] : []),
        ...(waits ? [waitText(r)] : []),
        `${withInterval(r.stallOverBlocks)}${r.report.atFloor ? ' =' : ''}`,
        tailCell(r),
        ...cpuCells(r),
        tp === undefined ? '-' : bandText(r, tp),
        idle,
      ];
    });
  const header = [
    'codec',
    'strategy',
    ...(transports ? ['transport'] : []),
    ...(waits ? ['wait'] : []),
    'stall ms [95% CI]',
    'p99',
    ...(cpu ? ['CPU µs/step, all', 'rank cores'] : []),
    `tp${tp ?? ''} ms band`,
    `tp${tp ?? ''} idle`,
  ];
  const first = fitTable(decision.header, decision.rows, width);
  const all = fitTable(header, rows, width);
  const cut = first.dropped + all.dropped;
  const preempted = results.rows.some((r) => r.seqLen === largest && r.report.tails?.mostlyPreemption === true);
  const dropped = cut > 0 ? `\n(${cut} column${cut === 1 ? '' : 's'} did not fit ${width} columns; the CSV has every figure)` : '';
  return [
    `The decision — batch ${results.options.batch}, stall per step at tp=2 (real processes), idle at tp${tp ?? '-'} (${results.rows[0]?.projections[0]?.stepTime?.label ?? 'no step time'}):`,
    first.text,
    whatToChange(results),
    '',
    `Every row at ${sizeLabel(results, largest)} (= at the harness floor; band: every rank as fast as this one – the slowest of tp−1; *: measured with more processes than cores):`,
    all.text + dropped,
    ...(preempted ? ["†: most of the row's slow steps (above 3× its median) had a preemption — the machine's tail, not the codec's; the results file has each row's attribution"] : []),
    ...networkLines(results.rows.filter((r) => r.seqLen === largest)),
  ].join('\n');
}

/** What only tcp rows carry, a line each: rank 1's clock against rank 0's (and its host), and the link band at the largest TP. */
function networkLines(rows: SweepResultsFile['rows']): string[] {
  const lines = rows.flatMap((r) => {
    const clock = r.clock?.find((c) => c.rank === 1);
    const band = r.link?.reduce((a, b) => (b.tp > a.tp ? b : a));
    if (clock === undefined && band === undefined) return [];
    const parts = [
      ...(band === undefined ? [] : [`link ${band.link} at tp${band.tp} ${band.lowMs.toFixed(3)}–${band.highMs.toFixed(3)} ms`]),
      ...(clock === undefined ? [] : [`clock of rank 1${clock.host === undefined ? '' : ` on ${clock.host}`} ${clock.offsetUs.toFixed(1)} ± ${clock.uncertaintyUs.toFixed(1)} µs`]),
    ];
    return [`  ${seriesName(r)} ${r.strategy} over ${r.transport}: ${parts.join('; ')}`];
  });
  return lines.length === 0 ? [] : ['', 'Over tcp (stall and transfer known to ± the clock estimate; the band adds the link to the measured stall):', ...lines];
}

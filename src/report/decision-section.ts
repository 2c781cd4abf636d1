import type { StallRow } from '../run/row.js';
import { seriesName } from './charts.js';
import { markdownTable } from './format.js';
import type { SweepResultsFile } from './sweep-results.js';
import { withInterval } from './sweep-section.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The share of a GPU step idle at the first projected TP, low–high, or '-' without a step time. */
function idle(row: StallRow): string {
  const p = row.projections[0];
  return p?.low == null || p.high == null ? '-' : `${pct(p.low.idleFraction)}–${pct(p.high.idleFraction)}`;
}

const stallOf = (row: StallRow): number => row.stallOverBlocks.p50;

/**
 * The decision at a glance: at the smallest and largest seq_len, the seed's system (Python pickle, full slots) and the
 * fastest row of each strategy, with n, interval and the idle share at the first projected TP's step.
 */
export function decisionSection(results: SweepResultsFile): string {
  const sizes = [...new Set(results.rows.map((r) => r.seqLen))].sort((a, b) => a - b);
  const picked = [sizes[0], sizes[sizes.length - 1]].filter((n, i, all): n is number => n !== undefined && all.indexOf(n) === i);
  const tp = results.options.projectTp[0];
  const rows: string[][] = [];
  for (const seqLen of picked) {
    const here = results.rows.filter((r) => r.seqLen === seqLen);
    const seed = here.find((r) => r.runtime === 'python' && r.codec === 'pickle' && r.strategy === 'full');
    const best = [...new Set(here.map((r) => r.strategy))].map((strategy) => [...here.filter((r) => r.strategy === strategy)].sort((a, b) => stallOf(a) - stallOf(b))[0]);
    for (const [what, row] of [['the seed (Python pickle, full slots)', seed] as const, ...best.map((row) => [`fastest ${row?.strategy ?? ''}`, row] as const)]) {
      if (row === undefined) continue;
      const ratio = seed === undefined || row === seed ? '' : `${(stallOf(seed) / stallOf(row)).toFixed(0)}×`;
      rows.push([String(seqLen), what, seriesName(row), `${withInterval(row.stallOverBlocks)} (n=${row.report.stall.n})${row.report.atFloor ? ' =' : ''}`, idle(row), ratio]);
    }
  }
  const seedNote = results.rows.some((r) => r.runtime === 'python') ? '' : ' No Python rows ran, so the seed\'s system is not in this table.';
  return [
    `Batch ${results.options.batch}, tp=2 measured with real processes; stall per step in ms, median [95% CI] over the run's blocks; idle: the share of a GPU step at tp=${tp ?? '-'} (${results.rows[0]?.projections[0]?.stepTime?.label ?? 'no step time'}) the GPUs wait, low–high end of the projected band; ×: how many times the seed's stall at that size; \`=\`: at the harness's own floor.${seedNote}`,
    '',
    markdownTable(['seq_len', 'what', 'codec', 'stall ms p50 [95% CI]', `tp${tp ?? ''} idle`, 'vs the seed'], rows),
  ].join('\n');
}

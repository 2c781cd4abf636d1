import { basename } from 'node:path';
import type { StallRow } from '../run/row.js';
import { seriesName } from './charts.js';
import { formatMs, markdownTable } from './format.js';
import type { SweepResultsFile } from './sweep-results.js';
import { withInterval } from './sweep-section.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The share of a GPU step idle at the first projected TP, low–high, or '-' without a step time. */
function idle(row: StallRow): string {
  const p = row.projections[0];
  return p?.low == null || p.high == null ? '-' : `${pct(p.low.idleFraction)}–${pct(p.high.idleFraction)}`;
}

const stallOf = (row: StallRow): number => row.stallOverBlocks.p50;

const fastest = (rows: readonly StallRow[]): StallRow | undefined => [...rows].sort((a, b) => stallOf(a) - stallOf(b))[0];

/** The seed's system (Python pickle, full slots) at one size, when the Python rows ran. */
const seedAt = (rows: readonly StallRow[]): StallRow | undefined => rows.find((r) => r.runtime === 'python' && r.codec === 'pickle' && r.strategy === 'full');

/** A ratio as the decision prints it: whole numbers from 10×, one decimal below (1.2×, not 1×). */
const times = (ratio: number): string => `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×`;

/** Where a size's rows sit, in words: "seq_len 4096", or a captured sequence's file name (it has no seq_len). */
export function sizeLabel(results: SweepResultsFile, seqLen: number): string {
  const sequence = results.rows[0]?.sequence ?? 'generated';
  return sequence === 'generated' ? `seq_len ${seqLen}` : basename(sequence);
}

/** A row's codec, with its transport and wait policy where the results hold several of either. */
function placedName(results: SweepResultsFile, row: StallRow): string {
  const transports = new Set(results.rows.map((r) => r.transport)).size > 1;
  const waits = (results.options.wait?.length ?? 0) > 1;
  const where = [transports ? `over ${row.transport}` : '', waits && row.wait !== undefined ? `wait ${row.wait}` : ''].filter((w) => w !== '').join(', ');
  return where === '' ? seriesName(row) : `${seriesName(row)} (${where})`;
}

/** The decision's rows: at the smallest and largest seq_len, the seed's system and the fastest row of each strategy. */
export function decisionTable(results: SweepResultsFile): { header: string[]; rows: string[][] } {
  const sizes = [...new Set(results.rows.map((r) => r.seqLen))].sort((a, b) => a - b);
  const picked = [sizes[0], sizes[sizes.length - 1]].filter((n, i, all): n is number => n !== undefined && all.indexOf(n) === i);
  const tp = results.options.projectTp[0];
  const captured = (results.rows[0]?.sequence ?? 'generated') !== 'generated';
  const rows: string[][] = [];
  for (const seqLen of picked) {
    const here = results.rows.filter((r) => r.seqLen === seqLen);
    const seed = seedAt(here);
    const best = [...new Set(here.map((r) => r.strategy))].map((strategy) => fastest(here.filter((r) => r.strategy === strategy)));
    for (const [what, row] of [['seed', seed] as const, ...best.map((row) => [`best ${row?.strategy ?? ''}`, row] as const)]) {
      if (row === undefined) continue;
      const ratio = seed === undefined || row === seed ? '' : times(stallOf(seed) / stallOf(row));
      rows.push([captured ? sizeLabel(results, seqLen) : String(seqLen), what, placedName(results, row), `${withInterval(row.stallOverBlocks)} n=${row.report.stall.n}${row.report.atFloor ? ' =' : ''}`, idle(row), ratio]);
    }
  }
  return { header: [captured ? 'messages' : 'seq_len', 'what', 'codec', 'stall ms p50 [95% CI]', `tp${tp ?? ''} idle`, 'vs seed'], rows };
}

/**
 * What to change, in one sentence: at the largest size, from the seed's system (or, without Python rows, the fastest
 * codec that still sends every slot) to the fastest row measured, with both stalls and idle shares.
 */
export function whatToChange(results: SweepResultsFile): string {
  const largest = Math.max(...results.rows.map((r) => r.seqLen));
  const here = results.rows.filter((r) => r.seqLen === largest);
  const from = seedAt(here) ?? fastest(here.filter((r) => r.strategy === 'full'));
  const to = fastest(here);
  const at = sizeLabel(results, largest);
  if (from === undefined || to === undefined) return `At ${at}: nothing to compare.`;
  const name = (r: StallRow): string => `${placedName(results, r)} ${r.strategy}`;
  const tp = results.options.projectTp[0];
  const idleText = idle(from) === '-' ? '' : `; tp${tp ?? ''} idle ${idle(from)} → ${idle(to)}`;
  const floor = to.report.atFloor ? ' (at the harness floor: what is left is the transport, not the codec)' : '';
  const [lo, hi] = to.stallOverBlocks.ci95;
  const ties = [...here].sort((a, b) => stallOf(a) - stallOf(b)).filter((r) => r !== to && r.stallOverBlocks.ci95[0] <= hi && r.stallOverBlocks.ci95[1] >= lo);
  const tied = ties.length === 0 ? '' : `; ${ties.length} other row${ties.length === 1 ? '' : 's'} (${ties.slice(0, 3).map(name).join(', ')}${ties.length > 3 ? ', …' : ''}) overlap its 95% interval and are as good at this n`;
  if (from === to) return `At ${at}: ${name(to)} is already the fastest measured, ${formatMs(stallOf(to))} ms per step${floor}${tied}.`;
  return `At ${at}: change ${name(from)} (${formatMs(stallOf(from))} ms per step) to ${name(to)} (${formatMs(stallOf(to))} ms), ${times(stallOf(from) / stallOf(to))} less stall${idleText}${floor}${tied}.`;
}

/** The decision at a glance, as the README's section: the table, what to change, and what each column means. */
export function decisionSection(results: SweepResultsFile): string {
  const tp = results.options.projectTp[0];
  const { header, rows } = decisionTable(results);
  const seedNote = results.rows.some((r) => r.runtime === 'python') ? '' : ' No Python rows ran, so the seed\'s system is not in this table.';
  return [
    `Batch ${results.options.batch}, tp=2 measured with real processes; stall per step in ms, median [95% CI] over the run's blocks, n steps; idle: the share of a GPU step at tp=${tp ?? '-'} (${results.rows[0]?.projections[0]?.stepTime?.label ?? 'no step time'}) the GPUs wait, low–high end of the projected band; seed: the seed's system, Python pickle with full slots; best: the fastest row of that strategy; vs seed: how many times less than the seed's stall at that size; \`=\`: at the harness's own floor.${seedNote}`,
    '',
    markdownTable(header, rows),
    '',
    `**${whatToChange(results)}**`,
  ].join('\n');
}

import type { StallRow } from '../run/row.js';
import { seriesName } from './charts.js';
import { testRows } from './compare.js';
import { formatBytes, formatMs, markdownTable } from './format.js';
import type { SweepResultsFile } from './sweep-results.js';
import { withInterval } from './sweep-section.js';

/** The profile that started the project: pickle about 3 ms and unpickle about 3 ms on every step. */
export const SEED_STALL_MS = 6;

const stallOf = (r: StallRow): number => r.stallOverBlocks.p50;

function seedRow(r: StallRow): string[] {
  const parts = r.report.parts;
  return [
    seriesName(r),
    r.strategy,
    formatBytes(r.report.wireBytes),
    String(r.report.stall.n),
    withInterval(r.stallOverBlocks),
    formatMs(parts.encode.p50),
    formatMs(parts.transfer.p50),
    formatMs(parts.decode.p50),
    formatMs(parts.convert.p50),
    formatMs(parts.derive.p50),
  ];
}

/** One comparison as a sentence fragment: the ratio of medians and the test that backs it. */
function against(slow: StallRow, fast: StallRow): string {
  // Two configurations of one run, far apart: single steps may stand in where a row has few blocks.
  const test = testRows(slow, fast, { steps: true });
  if (test === null) return 'not tested';
  const ratio = stallOf(fast) / stallOf(slow);
  const p = test.p < 0.001 ? 'p < 0.001' : `p = ${test.p.toFixed(3)}`;
  const verdict = test.p >= 0.05 ? 'not a significant difference' : ratio < 1 ? `${(1 / ratio).toFixed(1)}× less` : `${ratio.toFixed(1)}× more`;
  return `${verdict} (Mann–Whitney on ${test.counts[0]} + ${test.counts[1]} ${test.unit}, ${p})`;
}

/**
 * The seed's own system in numbers: at which batch × seq_len the Python scheduler and rank pickling full slots first
 * stall as long as the profile did, what no-slots and delta do there, and the fastest Node configuration beside it.
 */
export function seedSection(results: SweepResultsFile, seedMs = SEED_STALL_MS): string {
  const python = results.rows.filter((r) => r.runtime === 'python');
  if (python.length === 0) return `No Python rows in this run (${'unavailable' in results.context.python ? results.context.python.unavailable : 'no Python codec was asked for'}).`;
  const pickleFull = python.filter((r) => r.codec === 'pickle' && r.strategy === 'full').sort((a, b) => a.seqLen - b.seqLen);
  const reached = pickleFull.find((r) => stallOf(r) >= seedMs);
  const at = reached ?? pickleFull[pickleFull.length - 1] ?? python[python.length - 1];
  if (at === undefined) return 'No Python rows in this run.';
  const here = (rows: readonly StallRow[]): StallRow[] => rows.filter((r) => r.seqLen === at.seqLen).sort((a, b) => stallOf(a) - stallOf(b));
  const pythonHere = here(python);
  const nodeBest = here(results.rows.filter((r) => r.runtime === 'node' && r.transport !== 'none'))[0];
  const delta = pythonHere.find((r) => r.codec === 'pickle' && r.strategy === 'delta');
  const noSlots = pythonHere.find((r) => r.codec === 'pickle' && r.strategy === 'no-slots');
  const size = `batch ${at.batch} × seq_len ${at.seqLen}`;
  const lines = [
    reached === undefined
      ? `The seed's system — a Python scheduler and a Python rank over ZeroMQ \`ipc://\` at tp=2, pickle, full slots — stayed under ${seedMs} ms per step up to ${size}: ${withInterval(at.stallOverBlocks)} ms.`
      : `The seed's system — a Python scheduler and a Python rank over ZeroMQ \`ipc://\` at tp=2, pickle, full slots — first stalls ${seedMs} ms or more per step, the profile's pickle + unpickle, at ${size}: ${withInterval(at.stallOverBlocks)} ms (n=${at.report.stall.n}).`,
  ];
  if (at.codec === 'pickle' && at.strategy === 'full') {
    if (noSlots !== undefined) lines.push(`There, \`no-slots\` stalls ${withInterval(noSlots.stallOverBlocks)} ms: ${against(at, noSlots)}.`);
    if (delta !== undefined) lines.push(`\`delta\` stalls ${withInterval(delta.stallOverBlocks)} ms: ${against(at, delta)}.`);
    if (nodeBest !== undefined) {
      const unlike =
        at.report.oversubscribed && !nodeBest.report.oversubscribed
          ? ' Not like for like: the Python rows ran with more processes than cores (their scheduler, the rank and this Node process that runs the sweep), the Node row did not, so part of that ratio is waiting for a core.'
          : '';
      lines.push(`The fastest Node configuration at that size, \`${seriesName(nodeBest)}\` \`${nodeBest.strategy}\` over ${nodeBest.transport}, stalls ${withInterval(nodeBest.stallOverBlocks)} ms: ${against(at, nodeBest)}.${unlike}`);
    }
  }
  const info = results.context.pythonRanks;
  const versions = info === undefined ? '' : `Python ${info.version}, numpy ${info.numpy}, pyzmq ${info.pyzmq} (libzmq ${info.libzmq}), msgpack ${info.msgpack}. `;
  return [
    lines.join(' '),
    '',
    `${versions}The rank's \`convert\` — the unpickled lists made into the numpy arrays it launches from — is counted; the profile counted only pickle and unpickle. The stall is taken as in the headline table: the median of n steps, its interval over the blocks' medians.`,
    '',
    markdownTable(['codec', 'strategy', 'wire', 'n', 'stall ms p50 [95% CI]', 'encode', 'transfer', 'decode', 'convert', 'derive'], [...pythonHere, ...(nodeBest === undefined ? [] : [nodeBest])].map(seedRow)),
  ].join('\n');
}

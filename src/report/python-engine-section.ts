import { seriesName } from './charts.js';
import { testRows } from './compare.js';
import { formatBytes, formatMs, markdownTable } from './format.js';
import { provenance } from './provenance.js';
import type { SweepResultsFile } from './sweep-results.js';
import { withInterval } from './sweep-section.js';
import type { StallRow } from '../run/row.js';

/** A row of the engine table: what was pickled (the plain form or the engine's own objects) and where its time went. */
function engineRow(r: StallRow): string[] {
  const parts = r.report.parts;
  const floor = r.report.floors.emptyStep;
  return [
    seriesName(r),
    r.strategy,
    r.runtime !== 'python' ? '(Node)' : r.replay === undefined ? 'plain data' : "engine's objects",
    formatBytes(r.report.wireBytes),
    String(r.report.stall.n),
    `${withInterval(r.stallOverBlocks)}${r.report.atFloor ? ' =' : ''}`,
    floor === null ? '-' : formatMs(floor.p50),
    formatMs(parts.encode.p50),
    formatMs(parts.transfer.p50),
    formatMs(parts.decode.p50),
    formatMs(parts.convert.p50),
    formatMs(parts.derive.p50),
  ];
}

/** pickle of the engine's objects against pickle of their plain form, as a sentence with its test. */
function replayAgainstPlain(codec: string, plain: StallRow | undefined, replay: StallRow | undefined): string | null {
  if (plain === undefined || replay === undefined) return null;
  // Two separate runs: only block medians are independent samples.
  const test = testRows(plain, replay);
  const ratio = replay.stallOverBlocks.p50 / plain.stallOverBlocks.p50;
  const tested = test === null ? 'too few blocks to test' : `Mann–Whitney on ${test.counts[0]} + ${test.counts[1]} ${test.unit}, ${test.p < 0.001 ? 'p < 0.001' : `p = ${test.p.toFixed(3)}`}`;
  const verdict = test !== null && test.p < 0.05 ? `${ratio < 1 ? `${(1 / ratio).toFixed(2)}× less` : `${ratio.toFixed(2)}× more`}` : 'no significant difference';
  // The stall counts the plain form's convert (lists to arrays) too; pickle and unpickle alone are told apart from it.
  const serialize = (r: StallRow): string => formatMs(r.report.parts.encode.p50 + r.report.parts.decode.p50);
  return `\`${codec}\` of the stand-in's own dataclasses stalls ${withInterval(replay.stallOverBlocks)} ms a step against ${withInterval(plain.stallOverBlocks)} ms for their plain form: ${verdict} (${tested}); encode + decode medians alone, ${serialize(replay)} ms against ${serialize(plain)} ms${plain.report.parts.convert.p50 >= 0.01 ? `, where the plain form's rank also converts its lists to arrays (${formatMs(plain.report.parts.convert.p50)} ms)` : ''}.`;
}

/**
 * The README's "Measure your Python engine" figures: a captured sequence of the engine stand-in through every Python
 * codec as plain data (and Node's beside them), and the stand-in's own objects replayed, side by side.
 */
export function pythonEngineSection(plain: { results: SweepResultsFile; path: string }, replay: { results: SweepResultsFile; path: string } | null): string {
  const rows = [...plain.results.rows.filter((r) => r.runtime === 'python'), ...(replay?.results.rows.filter((r) => r.runtime === 'python') ?? [])];
  // Node's fastest row of each strategy stands beside the Python rows: the whole sweep of Node codecs is in the results file.
  const nodeRows = plain.results.rows.filter((r) => r.runtime === 'node');
  const node = [...new Set(nodeRows.map((r) => r.strategy))].flatMap((strategy) => nodeRows.filter((r) => r.strategy === strategy).sort((a, b) => a.stallOverBlocks.p50 - b.stallOverBlocks.p50).slice(0, 1));
  const ordered = [...rows, ...node].sort((a, b) => a.stallOverBlocks.p50 - b.stallOverBlocks.p50);
  const sentences = ['pickle', 'pickle-oob'].flatMap((codec) => {
    const find = (set: readonly StallRow[]): StallRow | undefined => set.find((r) => r.runtime === 'python' && r.codec === codec && r.strategy === 'full');
    const line = replayAgainstPlain(codec, find(plain.results.rows), find(replay?.results.rows ?? []));
    return line === null ? [] : [line];
  });
  return [
    `${provenance(plain.results.context, plain.path)}${replay === null ? '' : ` Replay: \`${replay.path}\`.`} Every row at tp=2 over \`ipc://\`; \`floor\`: the empty message's stall on the same runtime (\`=\`: within 2× of it); of the Node codecs, the fastest of each strategy.`,
    '',
    ...(sentences.length > 0 ? [sentences.join(' '), ''] : []),
    markdownTable(['codec', 'strategy', 'Python holds', 'wire', 'n', 'stall ms p50 [95% CI]', 'floor', 'encode', 'transfer', 'decode', 'convert', 'derive'], ordered.map(engineRow)),
  ].join('\n');
}

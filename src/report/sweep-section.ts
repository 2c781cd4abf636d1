import type { SweepRow } from '../sweep/sweep.js';
import { formatBytes, formatMs, markdownTable } from './format.js';
import { provenance } from './provenance.js';
import type { SweepResultsFile } from './sweep-results.js';

const pct = (x: number | undefined): string => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);

/** Markdown table of the sweep at its largest size: stall, split and projections per codec and strategy. */
export function sweepTableSection(results: SweepResultsFile, source: string): string {
  const largest = Math.max(...results.rows.map((r) => r.seqLen));
  const tps = results.rows[0]?.projections.map((p) => p.tp) ?? [];
  const rows = results.rows
    .filter((r) => r.seqLen === largest)
    .sort((a, b) => a.report.stall.p50 - b.report.stall.p50)
    .map((r) => [
      r.codec,
      r.strategy,
      formatBytes(r.report.wireBytes),
      formatMs(r.report.stall.p50),
      formatMs(r.report.stall.p99),
      formatMs(r.report.parts.encodeMs),
      formatMs(r.report.parts.transferMs),
      formatMs(r.report.parts.decodeMs),
      formatMs(r.report.parts.deriveMs),
      ...r.projections.flatMap((p) => [formatMs(p.stallMs), pct(p.idleFraction)]),
    ]);
  const header = ['codec', 'strategy', 'wire', 'stall p50 ms', 'p99', 'encode', 'transfer', 'decode', 'derive', ...tps.flatMap((tp) => [`tp${tp} stall`, `tp${tp} idle`])];
  const c = results.context;
  return [
    `${provenance(c, source)} Batch ${results.options.batch}, seq_len ${largest}; stall measured with real processes at tp=2, projected to ${tps.map((t) => `tp=${t}`).join(' and ')} onto a ${results.options.stepMs} ms GPU step. Sweep wall time ${c.wallSeconds.toFixed(0)} s, peak RSS ${c.peakRssMiB.toFixed(0)} MiB (${c.peakRssNote}).${results.complete ? '' : ' **Interrupted run: not every configuration was measured.**'}`,
    '',
    markdownTable(header, rows),
  ].join('\n');
}

function find(results: SweepResultsFile, codec: string, strategy: string, seqLen: number): SweepRow | undefined {
  return results.rows.find((r) => r.codec === codec && r.strategy === strategy && r.seqLen === seqLen);
}

/** The story in numbers: the boxed codec's full-slot stall against no-slots and delta at the smallest and largest size. */
export function storySection(results: SweepResultsFile, codec: string): string {
  const sizes = [Math.min(...results.rows.map((r) => r.seqLen)), Math.max(...results.rows.map((r) => r.seqLen))];
  const strategies = ['full', 'no-slots', 'delta'];
  const cell = (strategy: string, seqLen: number): string => {
    const row = find(results, codec, strategy, seqLen);
    return row === undefined ? '-' : `${formatMs(row.report.stall.p50)} ms`;
  };
  const rows = strategies.map((s) => [s, ...sizes.map((n) => cell(s, n))]);
  const full = find(results, codec, 'full', sizes[1] ?? 0)?.report.stall.p50;
  const delta = find(results, codec, 'delta', sizes[1] ?? 0)?.report.stall.p50;
  const drop = full !== undefined && delta !== undefined ? ` At seq_len ${sizes[1]}, delta cuts the stall ${(full / delta).toFixed(0)}-fold.` : '';
  return `Codec \`${codec}\` (every slot a separate number, as Python lists are pickled), batch ${results.options.batch}, step stall p50 measured at tp=2.${drop}\n\n${markdownTable(['strategy', ...sizes.map((n) => `seq_len ${n}`)], rows)}`;
}

/** Where pickle of the boxed payload reaches the story's ~3 ms encode, and what the JS codecs cost at that size. */
export function pickleSection(results: SweepResultsFile, thresholdMs = 3): string {
  const python = results.context.python;
  if ('unavailable' in python) return `No pickle reference in this run: ${python.unavailable}.`;
  const pickle = results.rows.filter((r) => r.codec === 'pickle (python3)' && r.strategy === 'full').sort((a, b) => a.seqLen - b.seqLen);
  const reached = pickle.find((r) => r.report.encode.p50 >= thresholdMs);
  if (reached === undefined) return `pickle.dumps stayed under ${thresholdMs} ms up to seq_len ${pickle[pickle.length - 1]?.seqLen ?? '-'} (Python ${python.version}).`;
  const atSize = results.rows
    .filter((r) => r.seqLen === reached.seqLen && r.strategy === 'full')
    .sort((a, b) => a.report.stall.p50 - b.report.stall.p50)
    .map((r) => [
      r.codec,
      r.report.transport === 'ipc' ? 'processes, tp=2' : 'inside Python',
      formatMs(r.report.encode.p50),
      formatMs(r.report.decode.p50),
      formatMs(r.report.stall.p50),
    ]);
  return [
    `With Python ${python.version} on this machine, \`pickle.dumps\` of the boxed payload (per-request dicts of int lists, protocol 5) first takes ${thresholdMs} ms or more at batch ${reached.batch} × seq_len ${reached.seqLen} (${reached.report.slots} slots): ${formatMs(reached.report.encode.p50)} ms to dump, ${formatMs(reached.report.decode.p50)} ms to load. At that size, strategy \`full\`, every codec:`,
    '',
    markdownTable(['codec', 'measured', 'encode p50 ms', 'decode p50 ms', 'stall p50 ms'], atSize),
    '',
    'The pickle rows are dumps + loads inside Python — no transport, no rank-side work — so they are a lower bound on what a Python engine stalls; the JS rows are full broadcasts to a rank process.',
  ].join('\n');
}

import type { StallRow } from '../run/row.js';
import { projectedIdleCores, waitLabelOf } from '../transport/wait-choice.js';
import { SLOW_STEP_FACTOR } from '../run/tails.js';
import { seriesName } from './charts.js';
import { formatBytes, formatMs, markdownTable } from './format.js';
import { provenance } from './provenance.js';
import type { SweepResultsFile } from './sweep-results.js';
import type { SampleSummary } from '../stats/summary.js';

const pct = (x: number | undefined): string => (x === undefined ? '-' : `${(x * 100).toFixed(1)}%`);

/** A median with its 95% interval, as "1.23 [1.20, 1.31]". */
export function withInterval(s: SampleSummary): string {
  return `${formatMs(s.p50)} [${formatMs(s.ci95[0])}, ${formatMs(s.ci95[1])}]`;
}

/** p99, or the max when there are fewer than 100 samples (then it says so). */
export function tail(s: SampleSummary): string {
  return s.p99IsMax ? `${formatMs(s.p99)} (max)` : formatMs(s.p99);
}

/** How to read the tail columns, in one sentence for a table's preamble. */
export const TAIL_LEGEND =
  `Slow steps are those above ${SLOW_STEP_FACTOR}× the row's median; beside their count, the share of them held up waiting for a core (preempted: their processes' main threads runnable on a run queue, from /proc/self/schedstat, for a third of the step's time beyond the median), during which a process collected garbage, or that took more page faults than the row's median step plus 64 — with, in brackets, the share of all the row's steps that waited for a core at all (50 µs) — and the p99 with those slow steps left out, beside the true p99 (\`†\`: most slow steps were preempted; never set for a run with an idle step, whose counters also hold the wait through it).`;

/** A row's p99, marked † when most of its slow steps had a preemption (its tail is the machine's, not the codec's). */
export function tailCell(r: Pick<StallRow, 'report'>): string {
  return `${tail(r.report.stall)}${r.report.tails?.mostlyPreemption === true ? ' †' : ''}`;
}

const pct0 = (x: number): string => `${Math.round(x * 100)}%`;

/** Where a row's tail comes from: "7 slow: 86% / 0% / 14% (all 12%); w/o 0.412", or '-' for results made before it was counted. */
export function tailSourcesText(r: Pick<StallRow, 'report'>): string {
  const t = r.report.tails;
  if (t === undefined) return '-';
  if (t.slow === 0) return '0 slow';
  const w = t.slowWith;
  return `${t.slow} slow: ${pct0(w.preemption)} / ${pct0(w.gc)} / ${pct0(w.faults)} (all ${pct0(t.allWith.preemption)}); w/o ${formatMs(t.p99Without)}`;
}

/** A projected band as "low–high", marked when its basis run was oversubscribed. */
export function bandText(row: StallRow, tp: number): string {
  const p = row.projections.find((x) => x.tp === tp);
  if (p === undefined) return '-';
  const mark = p.band.basisOversubscribed ? '*' : '';
  const direct = p.direct === null ? '' : ` (measured ${formatMs(p.direct.stall.p50)}${p.direct.inBand ? '' : ', outside'})`;
  return `${formatMs(p.band.lowMs)}–${formatMs(p.band.highMs)}${mark}${direct}`;
}

function idleText(row: StallRow, tp: number): string {
  const p = row.projections.find((x) => x.tp === tp);
  if (p?.low == null || p.high == null) return '-';
  return `${pct(p.low.idleFraction)}–${pct(p.high.idleFraction)}`;
}

/** The headline table's header for the sweep's projected TPs. */
export function headlineHeader(tps: readonly number[], transports = false, waits = false): string[] {
  return [
    'codec',
    'strategy',
    ...(transports ? ['transport'] : []),
    ...(waits ? ['wait'] : []),
    'wire',
    'n',
    'stall ms p50 [95% CI]',
    'p99',
    'floor',
    'encode',
    'transfer',
    'decode+convert',
    'derive',
    ...tps.flatMap((tp) => [`tp${tp} ms (band)`, `tp${tp} idle`]),
  ];
}

/** The empty message's stall on the row's transport, marked `=` when the row's stall is within 2× of it (the harness, not the codec). */
function floorText(r: StallRow): string {
  const empty = r.report.floors.emptyStep;
  if (empty === null) return '-';
  return `${formatMs(empty.p50)}${r.report.atFloor ? ' =' : ''}`;
}

/** One headline row: measured figures with n and interval, then each projected TP's band and idle share. */
export function headlineRow(r: StallRow, tps: readonly number[], transports = false, waits = false): string[] {
  const parts = r.report.parts;
  return [
    seriesName(r),
    r.strategy,
    ...(transports ? [r.transport] : []),
    ...(waits ? [waitText(r)] : []),
    formatBytes(r.report.wireBytes),
    String(r.report.stall.n),
    withInterval(r.stallOverBlocks),
    tailCell(r),
    floorText(r),
    formatMs(parts.encode.p50),
    formatMs(parts.transfer.p50),
    formatMs(parts.decode.p50 + parts.convert.p50),
    formatMs(parts.derive.p50),
    ...tps.flatMap((tp) => [bandText(r, tp), idleText(r, tp)]),
  ];
}

/** The one line every table of sweep figures carries: which figures are measured and which are projected. */
export function measuredVsProjected(results: SweepResultsFile): string {
  const tps = results.options.projectTp;
  const oversubscribed = results.rows.some((r) => r.projections.some((p) => p.band.basisOversubscribed));
  const direct = results.rows.some((r) => r.projections.some((p) => p.direct !== null));
  return (
    `Measured: everything up to \`derive\`, at tp=2 with real processes: the median of n steps, and its 95% order-statistic interval over the medians of the blocks the steps were taken in (each block a different stretch of the run, so the interval includes the machine's drift; over the steps where a row has fewer than 6 blocks), and the \`floor\`: the empty message's stall on the same transport in the same run (\`=\`: within 2× of it — the harness, not the codec; \`-\`: not measured; the Python rows of results from before the Python floor existed). ` +
    `Projected: ${tps.map((t) => `tp${t}`).join(' and ')}, a band from the tp=2 samples — low: every rank as fast as the measured one (the tp=2 median); high: ranks independent, so the step waits for the slowest of tp−1, and the sender writes to each peer in turn${direct ? '; "measured" where this machine had the cores to run that TP directly' : ''}.` +
    (oversubscribed ? ' `*`: the basis run had more ranks than cores.' : '') +
    (results.rows.some((r) => r.report.tails?.mostlyPreemption === true) ? ' `†` on a p99: most of the row\'s slow steps (above 3× its median) had a preemption: its tail is the machine\'s, not the codec\'s.' : '')
  );
}

/** The headline table's rows: the sweep's largest size, fastest first. */
export function headlineRows(results: SweepResultsFile): { largest: number; header: string[]; rows: string[][] } {
  const largest = Math.max(...results.rows.map((r) => r.seqLen));
  const tps = results.options.projectTp;
  const transports = new Set(results.rows.map((r) => r.transport)).size > 1;
  // A column of its own only where the run measured several policies; otherwise the preamble names the policy.
  const waits = (results.options.wait?.length ?? 0) > 1;
  const rows = results.rows
    .filter((r) => r.seqLen === largest)
    .sort((a, b) => a.report.stall.p50 - b.report.stall.p50)
    .map((r) => headlineRow(r, tps, transports, waits));
  return { largest, header: headlineHeader(tps, transports, waits), rows };
}

/** Markdown table of the sweep at its largest size: stall with n and interval, its parts, and each projected TP's band. */
export function sweepTableSection(results: SweepResultsFile, source: string): string {
  const { largest, header, rows } = headlineRows(results);
  const tps = results.options.projectTp;
  const c = results.context;
  const steps = tps
    .map((tp) => {
      const t = results.rows[0]?.projections.find((p) => p.tp === tp)?.stepTime;
      return `tp${tp}: ${t === null || t === undefined ? 'no published step time (stall only)' : t.label}`;
    })
    .join('; ');
  return [
    `${provenance(c, source)} Batch ${results.options.batch}, seq_len ${largest} (the measured steps straddle it); sampling: ${results.options.sampling.samples} steps wanted per configuration after warm-up. GPU steps for the idle share: ${steps}. Sweep wall time ${c.wallSeconds.toFixed(0)} s, peak RSS ${c.peakRssMiB.toFixed(0)} MiB (${c.peakRssNote}).${results.complete ? '' : ' **Interrupted run: not every configuration was measured.**'}`,
    '',
    measuredVsProjected(results),
    '',
    markdownTable(header, rows),
  ].join('\n');
}

function find(results: SweepResultsFile, codec: string, strategy: string, seqLen: number): StallRow | undefined {
  return results.rows.find((r) => r.codec === codec && r.strategy === strategy && r.seqLen === seqLen && r.runtime === 'node');
}

/** The story in numbers: the boxed codec's full-slot stall against no-slots and delta at the smallest and largest size. */
export function storySection(results: SweepResultsFile, codec: string): string {
  const sizes = [Math.min(...results.rows.map((r) => r.seqLen)), Math.max(...results.rows.map((r) => r.seqLen))];
  const strategies = ['full', 'no-slots', 'delta'];
  const cell = (strategy: string, seqLen: number): string => {
    const row = find(results, codec, strategy, seqLen);
    return row === undefined ? '-' : `${withInterval(row.stallOverBlocks)} ms (n=${row.report.stall.n})`;
  };
  const rows = strategies.map((s) => [s, ...sizes.map((n) => cell(s, n))]);
  const full = find(results, codec, 'full', sizes[1] ?? 0)?.stallOverBlocks;
  const delta = find(results, codec, 'delta', sizes[1] ?? 0)?.stallOverBlocks;
  const drop =
    full !== undefined && delta !== undefined
      ? ` At seq_len ${sizes[1]}, delta cuts the median stall ${(full.p50 / delta.p50).toFixed(0)}-fold (between ${(full.ci95[0] / delta.ci95[1]).toFixed(0)}- and ${(full.ci95[1] / delta.ci95[0]).toFixed(0)}-fold at the intervals' ends).`
      : '';
  return `Codec \`${codec}\` (every slot a separate number, as Python lists are pickled), batch ${results.options.batch}, step stall measured at tp=2: median [95% CI], the interval over the blocks' medians as in the headline table.${drop}\n\n${markdownTable(['strategy', ...sizes.map((n) => `seq_len ${n}`)], rows)}`;
}

/** The pickle reference in its own table: dumps and loads inside one Python process, per size, strategy `full`. */
export function pickleSection(results: SweepResultsFile, thresholdMs = 3): string {
  const python = results.context.python;
  if ('unavailable' in python) return `No pickle reference in this run: ${python.unavailable}.`;
  const boxed = results.reference.filter((r) => r.codec === 'pickle (python3)' && r.strategy === 'full').sort((a, b) => a.seqLen - b.seqLen);
  const reached = boxed.find((r) => r.dumps.p50 >= thresholdMs);
  const rows = results.reference
    .filter((r) => r.strategy === 'full' || reached === undefined || r.seqLen === reached.seqLen)
    .sort((a, b) => a.seqLen - b.seqLen || a.codec.localeCompare(b.codec) || a.strategy.localeCompare(b.strategy))
    .map((r) => [r.codec, r.strategy, String(r.seqLen), formatBytes(r.wireBytes), String(r.dumps.n), withInterval(r.dumps), withInterval(r.loads), formatMs(r.inProcessMs)]);
  const headline =
    reached === undefined
      ? `\`pickle.dumps\` of the boxed payload stayed under ${thresholdMs} ms up to seq_len ${boxed[boxed.length - 1]?.seqLen ?? '-'} (Python ${python.version}).`
      : `With Python ${python.version} on this machine, \`pickle.dumps\` of the boxed payload (per-request dicts of int lists, protocol 5) first takes ${thresholdMs} ms or more at batch ${reached.batch} × seq_len ${reached.seqLen} (${reached.slots} slots): ${withInterval(reached.dumps)} ms to dump, ${withInterval(reached.loads)} ms to load (n=${reached.dumps.n}).`;
  return [
    headline,
    '',
    'These rows are `pickle.dumps` + `pickle.loads` inside one Python process — no transfer, no rank process, no rank-side work — so they are not comparable with the broadcast rows above and are kept in their own table.',
    '',
    markdownTable(['codec', 'strategy', 'seq_len', 'bytes', 'n', 'dumps ms [95% CI]', 'loads ms [95% CI]', 'dumps + loads ms'], rows),
  ].join('\n');
}

/** A row's transfer median; a tcp row's with the clock uncertainty it carries ("0.210 ± 0.012"), its ranks' stamps being on estimated clocks. */
function transferText(r: StallRow): string {
  const transfer = formatMs(r.report.parts.transfer.p50);
  if (r.clock === undefined || r.clock.length === 0) return transfer;
  return `${transfer} ± ${formatMs(Math.max(...r.clock.map((c) => c.uncertaintyUs)) / 1000)}`;
}

/** A tcp row's band on the link at `tp`, "0.41–0.52"; '—' for rows of other transports. */
function linkText(r: StallRow, tp: number): string {
  const band = r.link?.find((l) => l.tp === tp);
  return band === undefined ? '—' : `${formatMs(band.lowMs)}–${formatMs(band.highMs)}`;
}

/** A rank's projected idle cores through a GPU step of `stepMs`, as "1.00 (spins through the gap)". */
function idleCoresText(r: StallRow, stepMs: number): string {
  if (r.transport === 'none') return '—';
  const { cores, basis } = projectedIdleCores(r.report.waitPolicy, stepMs);
  return `${cores.toFixed(2)} (${basis})`;
}

/** A row's CPU as "680 / 0.62, 408 (86) / 0.37": µs per step and cores kept busy, the scheduler's then each rank's with its work; '-' where not measured. */
export function cpuText(r: StallRow): string {
  if (r.cpu === undefined || r.cpu.length === 0) return '-';
  return r.cpu.map((c) => `${c.usPerStep.toFixed(0)}${c.rank === 0 ? '' : ` (${c.workUs.toFixed(0)})`} / ${typeof c.cores === "number" ? c.cores.toFixed(2) : "-"}`).join(', ');
}

/** The wait policy a row ran: the one asked for, else the transport's own as recorded; '—' in process. */
export function waitText(r: Pick<StallRow, 'wait' | 'transport' | 'report'>): string {
  return r.wait ?? (r.transport === 'none' ? '—' : waitLabelOf(r.report.waitPolicy));
}

/** The GPU step of the first projected TP that has one: the gap a rank waits through in an engine. */
function firstStep(results: SweepResultsFile): { tp: number; ms: number } | null {
  for (const p of results.rows[0]?.projections ?? []) if (p.stepTime !== null) return { tp: p.tp, ms: p.stepTime.stepMs };
  return null;
}

/** Order of the wait policies in a table: as the run listed them. */
function waitOrder(results: SweepResultsFile): (r: StallRow) => number {
  const listed = results.options.wait ?? [];
  return (r) => listed.indexOf(r.wait ?? '');
}

/** Transports side by side: each row's stall beside its transport's empty-message floor, its parts, its CPU and, where a run measured several, its wait policy. */
export function transportSection(results: SweepResultsFile, source: string): string {
  // A column of its own only where the run measured several policies; otherwise the preamble names the policy.
  const waits = (results.options.wait?.length ?? 0) > 1;
  const step = firstStep(results);
  const order = waitOrder(results);
  // The link tcp rows were projected onto, at the largest TP projected.
  const link = results.options.link === undefined ? undefined : { name: results.options.link, tp: Math.max(2, ...results.options.projectTp) };
  const rows = [...results.rows]
    .sort((a, b) => a.seqLen - b.seqLen || a.codec.localeCompare(b.codec) || a.strategy.localeCompare(b.strategy) || a.transport.localeCompare(b.transport) || order(a) - order(b))
    .map((r) => [
      r.codec,
      r.strategy,
      String(r.seqLen),
      r.transport,
      ...(waits ? [waitText(r)] : []),
      formatBytes(r.report.wireBytes),
      String(r.report.stall.n),
      withInterval(r.stallOverBlocks),
      tailCell(r),
      tailSourcesText(r),
      floorText(r),
      formatMs(r.report.parts.encode.p50),
      transferText(r),
      formatMs(r.report.parts.decode.p50 + r.report.parts.convert.p50),
      `${(r.report.parts.derive.p50 * 1000).toFixed(1)} µs`,
      `${(r.report.stall.p50 / r.report.floors.memcpy.p50).toFixed(2)}x`,
      r.transport !== 'shm-ring' || r.report.floors.ringMemcpy === undefined ? '—' : `${(r.report.stall.p50 / r.report.floors.ringMemcpy.p50).toFixed(2)}x`,
      cpuText(r),
      ...(waits && step !== null ? [idleCoresText(r, step.ms)] : []),
      ...(link === undefined ? [] : [linkText(r, link.tp)]),
    ]);
  const policies = [...new Set(results.rows.map((r) => (r.report.waitPolicy === null ? null : JSON.stringify(r.report.waitPolicy))).filter((w): w is string => w !== null))];
  const idle = results.rows.find((r) => r.report.idleMs !== undefined)?.report.idleMs;
  return [
    `${provenance(results.context, source)} Batch ${results.options.batch}, tp=2, real processes; \`floor\` is the empty message's stall on that transport in the same run (\`=\`: the stall is within 2× of it); \`stall/memcpy\` is the stall over one hot memcpy of the payload's content bytes, \`stall/ring copy\` (shm-ring rows) over a reference copy of the same bytes from two sources in turn into four targets in turn: once those outgrow the cache, a cold copy, as a message built each step lands in a ring of 4 slots; both timed in the same run. \`CPU µs/step\`: user + system CPU time per step of the scheduler (for Node rows this orchestrating process, harness work included) and of each rank, taken between blocks (rows measured before this column existed show \`-\`); in brackets the rank's decode + convert + derive, the rest being receiving, answering, the transport's own threads and waiting; after the slash, the cores the process kept busy over the blocks (CPU over wall time: 1.00 is a whole core, as a rank that spins through every gap keeps). ${TAIL_LEGEND}${results.rows.some((r) => r.clock !== undefined) ? " tcp rows' `transfer` carries ± the largest clock uncertainty of their ranks: each rank's offset to rank 0 is estimated NTP-style before every block (the shortest of 8 ping round trips; half of it the uncertainty) and taken off its stamps." : ''}${idle === undefined ? ' Steps ran back to back.' : ` Rank 0 slept until ${idle} ms after each step's last answer before the next (the GPU's step stood in for), and the CPU and cores include waiting through it.`}${waits ? ` \`wait\`: the policy every end waited under (sleep: block at once; spin:N: spin N µs, then block; spin: always; adaptive: a grace of 1 ms² over the median of the last 8 gaps between messages, 50 µs to 20 ms).` : ''}${waits && step !== null ? ` \`rank cores at tp${step.tp} step\`: the cores a rank's wait would keep busy through the GPU's ${step.ms} ms step, projected from its policy (its spin window over the step; the ring's polling wake-ups aside), with the basis${idle === step.ms ? ' — the gap these rows were measured at' : idle === undefined ? ' — a gap these rows, run back to back, did not wait through: their stall is not what that gap would give' : ` — not the ${idle} ms gap these rows were measured at`}.` : ''}${policies.length > 0 && !waits ? ` Wait policy: \`${policies.join('`, `')}\`.` : ''}`,
    '',
    markdownTable(
      [
        'codec',
        'strategy',
        'seq_len',
        'transport',
        ...(waits ? ['wait'] : []),
        'wire',
        'n',
        'stall ms p50 [95% CI]',
        'p99',
        `slow steps (>${SLOW_STEP_FACTOR}× p50): preempted / GC / faults (all steps preempted); p99 without them`,
        'floor',
        'encode',
        'transfer',
        'decode+convert',
        'derive',
        'stall/memcpy',
        'stall/ring copy',
        'CPU µs/step (work) / cores: scheduler, rank',
        ...(waits && step !== null ? [`rank cores at tp${step.tp} step`] : []),
        ...(link === undefined ? [] : [`tcp onto ${link.name}: tp${link.tp} ms band`]),
      ],
      rows,
    ),
  ].join('\n');
}

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { stepTimeFor } from '../model/presets.js';
import type { SweepResultsFile } from './sweep-results.js';

/** The SVG charts of a sweep, by file name. */
export type ChartSet = Record<'stall-vs-seqlen.svg' | 'stall-by-codec.svg' | 'stall-split.svg' | 'timeline.svg' | 'wait-tradeoff.svg', string>;

const STRATEGY_ORDER = ['full', 'new-slots', 'no-slots', 'delta'];
const PART_ORDER = ['encode', 'transfer', 'decode', 'convert', 'derive'];
const PHASE_ORDER = ['encode', 'send', 'transfer', 'decode', 'convert', 'derive'];
// One colour per phase in every chart, so a split bar and a timeline read the same way.
const PHASE_COLORS = { domain: PHASE_ORDER, range: ['#4c78a8', '#9ecae9', '#f58518', '#e45756', '#b279a2', '#54a24b'] };
// The split chart draws no `send` (it is inside `transfer` there), so its legend leaves it out.
const PART_COLORS = { domain: PART_ORDER, range: PART_ORDER.map((part) => PHASE_COLORS.range[PHASE_ORDER.indexOf(part)] ?? '#000000') };
/**
 * Distinct colours for the built-in codecs and the seed's Python rows: Tableau's ten, then black, magenta and navy,
 * each added as the farthest (CIELAB) from those before it, so no two of the first thirteen are the same hue family.
 */
export const SERIES_COLORS = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#000000', '#ff00ff', '#000080', '#c7e9c0', '#22e000', '#fdbf6f', '#5a0a33', '#fb9a99', '#004949', '#cab2d6',
];

// A dash legend's line symbols, drawn in black: it has no colour of its own. Vega-Lite passes `encode` on to Vega, though
// its types leave it out, so this is a variable, not a literal, where the legend is given.
const DASH_LEGEND = { symbolType: 'stroke' as const, symbolStrokeWidth: 2, symbolSize: 400, encode: { symbols: { update: { stroke: { value: 'black' } } } } };

// Full labels (no truncation) and every symbol; both layers share it so Vega-Lite merges them into one legend.
const LEGEND = { labelLimit: 0, symbolLimit: 0 };

function provenance(results: SweepResultsFile): string {
  const c = results.context;
  return `${c.cpuModel}, ${c.cores} cores, Node ${c.node}, ${c.date.slice(0, 10)}${results.complete ? '' : ' (interrupted run)'}`;
}

/** A row's name in charts and tables: the codec, marked when the seed's Python processes ran it (and when they replayed the engine's objects). */
export function seriesName(row: { codec: string; runtime: string; replay?: string }): string {
  if (row.runtime !== 'python') return row.codec;
  return row.replay === undefined ? `${row.codec} (python)` : `${row.codec} (python, replay)`;
}

/** The codecs of a sweep in a fixed order, each with its own colour. */
export function codecColors(results: SweepResultsFile): { domain: string[]; range: string[] } {
  const domain = [...new Set(results.rows.map(seriesName))];
  return { domain, range: domain.map((_, i) => SERIES_COLORS[i % SERIES_COLORS.length] ?? '#000000') };
}

/** The seq_len axis's domain: the measured sizes with a quarter of an octave each side. */
function seqLenDomain(results: SweepResultsFile): [number, number] {
  const sizes = results.rows.map((r) => r.seqLen);
  return [Math.min(...sizes) / 2 ** 0.25, Math.max(...sizes) * 2 ** 0.25];
}

/** Vega-Lite spec: ms of stall per step vs seq_len, log-log, a line per codec with its 95% interval, a panel per strategy. */
function stallVsSeqLenSpec(results: SweepResultsFile): TopLevelSpec {
  const values = results.rows.map((r) => ({
    codec: seriesName(r),
    form: r.report.form,
    runtime: r.runtime,
    transport: r.transport,
    strategy: r.strategy,
    seqLen: r.seqLen,
    // The interval the tables give: over the blocks' medians, so the chart shows the run's drift as they do.
    stallMs: Math.max(r.stallOverBlocks.p50, 1e-4),
    lo: Math.max(r.stallOverBlocks.ci95[0], 1e-4),
    hi: Math.max(r.stallOverBlocks.ci95[1], 1e-4),
  }));
  const stepTp = results.options.projectTp[0];
  // The GPU step does not depend on the transport, so in-process sweeps draw it too.
  const step = stepTp === undefined ? null : stepTimeFor(stepTp, results.options.stepMs);
  const strategies = STRATEGY_ORDER.filter((s) => results.rows.some((r) => r.strategy === s));
  const x = {
    field: 'seqLen',
    type: 'quantitative' as const,
    // A margin each side so the first and last measured size get their tick and label.
    scale: { type: 'log' as const, base: 2, domain: seqLenDomain(results), nice: false },
    axis: { values: [...new Set(results.rows.map((r) => r.seqLen))].sort((a, b) => a - b), format: 'd', labelAngle: -45 },
    title: 'seq_len (tokens per request)',
  };
  const y = { field: 'stallMs', type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'stall per step (ms, median, 95% CI)' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Stall per step vs context length (batch ${results.options.batch}, measured at tp=2 with real processes)`,
      subtitle: [
        provenance(results),
        "solid: Node scheduler and ranks; dashed: the seed's Python scheduler and ranks; circles: columnar codecs, squares: boxed",
        ...(step === null ? [] : [`dotted rule: the GPU step at tp=${stepTp}, ${step.label}`]),
      ],
    },
    data: { values },
    facet: {
      column: { field: 'strategy', type: 'nominal', title: 'strategy', sort: strategies },
      // One row of panels per transport when several were measured, so ipc and shm-ring sit one above the other.
      ...(new Set(results.rows.map((r) => r.transport)).size > 1 ? { row: { field: 'transport', type: 'nominal' as const, title: 'transport' } } : {}),
    },
    spec: {
      width: 300,
      height: 300,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x,
            y,
            color: { field: 'codec', type: 'nominal', scale: codecColors(results), legend: LEGEND },
            // A line symbol in the legend, so solid and dashed show as they are drawn.
            strokeDash: { field: 'runtime', type: 'nominal', title: 'runtime', scale: { domain: ['node', 'python'], range: [[1, 0], [6, 3]] }, legend: DASH_LEGEND },
            shape: { field: 'form', type: 'nominal', title: 'form', scale: { domain: ['columnar', 'boxed'], range: ['circle', 'square'] } },
          },
        },
        {
          mark: { type: 'rule' },
          encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color: { field: 'codec', type: 'nominal', scale: codecColors(results), legend: LEGEND } },
        },
        ...(step === null
          ? []
          : [
              // One datum per panel: a rule from row data would be drawn once per row.
              { data: { values: [{ stepMs: step.stepMs }] }, mark: { type: 'rule' as const, color: 'black', strokeDash: [2, 2] }, encoding: { y: { field: 'stepMs', type: 'quantitative' as const } } },
            ]),
      ],
    },
  };
}

// Both layers sort their bands by the same field, and by min: a union of domains takes only count, min or max.
const BY_STALL = { field: 'stallMs', op: 'min', order: 'ascending' } as const;

/** Vega-Lite spec for a captured sequence: the stall per codec, a bar per strategy, with the 95% interval. */
function stallByCodecSpec(results: SweepResultsFile): TopLevelSpec {
  const values = results.rows.map((r) => ({ codec: seriesName(r), strategy: r.strategy, transport: r.transport, stallMs: r.stallOverBlocks.p50, lo: r.stallOverBlocks.ci95[0], hi: r.stallOverBlocks.ci95[1], n: r.stallOverBlocks.n }));
  const source = results.rows[0]?.sequence ?? '';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Stall per step of a captured sequence (${source}), measured at tp=2 with real processes`, subtitle: [provenance(results), 'bars: median; lines: 95% interval'] },
    data: { values },
    facet: {
      row: { field: 'strategy', type: 'nominal', sort: STRATEGY_ORDER },
      ...(new Set(results.rows.map((r) => r.transport)).size > 1 ? { column: { field: 'transport', type: 'nominal' as const } } : {}),
    },
    spec: {
      width: 520,
      layer: [
        { mark: 'bar', encoding: { y: { field: 'codec', type: 'nominal', title: null, sort: BY_STALL }, x: { field: 'stallMs', type: 'quantitative', title: 'stall per step (ms)' }, color: { field: 'codec', type: 'nominal', scale: codecColors(results), legend: null } } },
        { mark: { type: 'rule', color: 'black' }, encoding: { y: { field: 'codec', type: 'nominal', sort: BY_STALL }, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  };
}

/** Vega-Lite spec: where the stall goes (encode / transfer / decode / convert / derive) per codec at the largest size. */
function stallSplitSpec(results: SweepResultsFile): TopLevelSpec {
  const largest = Math.max(...results.rows.map((r) => r.seqLen));
  const values = results.rows
    .filter((r) => r.seqLen === largest)
    .flatMap((r) =>
      PART_ORDER.map((part) => ({
        codec: seriesName(r),
        strategy: r.strategy,
        part,
        order: PART_ORDER.indexOf(part),
        ms: r.report.parts[part as keyof typeof r.report.parts].p50,
      })),
    );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Where the stall goes ${largest > 0 ? `at seq_len ${largest} (batch ${results.options.batch}, ` : '(captured sequence, '}median of each part, tp=2)`, subtitle: [provenance(results), 'each strategy has its own x scale (labelled on its axis): they differ by orders of magnitude'] },
    data: { values },
    facet: { row: { field: 'strategy', type: 'nominal', sort: STRATEGY_ORDER } },
    spec: {
      width: 520,
      mark: 'bar',
      encoding: {
        y: { field: 'codec', type: 'nominal', title: null },
        x: { field: 'ms', type: 'quantitative', stack: 'zero', title: 'ms per step (stacked medians; this panel\'s own scale)' },
        color: { field: 'part', type: 'nominal', sort: PART_ORDER, scale: PART_COLORS },
        order: { field: 'order', type: 'quantitative' },
      },
    },
    resolve: { scale: { x: 'independent' }, axis: { x: 'independent' } },
  };
}

/** Vega-Lite spec: one step on every rank for the worst and best configuration: the bubble. */
function timelineSpec(results: SweepResultsFile): TopLevelSpec {
  const values = results.timelines.flatMap((t) =>
    t.events.map((e) => ({
      ...e,
      rank: e.rank === 0 ? 'rank 0 (scheduler)' : `rank ${e.rank}`,
      config: `${t.label}: ${t.codec}, ${t.strategy}, seq_len ${t.seqLen}, tp=${t.tp}${t.oversubscribed ? ' (ranks share cores)' : ''} (own x scale)`,
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'One median step on every rank: until its bar ends, a rank cannot launch its CUDA graph', subtitle: provenance(results) },
    data: { values },
    facet: { row: { field: 'config', type: 'nominal', title: null, sort: 'descending', header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top', labelLimit: 0 } } },
    spec: {
      width: 560,
      mark: 'bar',
      encoding: {
        y: { field: 'rank', type: 'nominal', title: null },
        x: { field: 'startMs', type: 'quantitative', title: 'ms from the step start' },
        x2: { field: 'endMs' },
        color: { field: 'phase', type: 'nominal', sort: PHASE_ORDER, scale: PHASE_COLORS },
      },
    },
    resolve: { scale: { x: 'independent' } },
  };
}

/** Vega-Lite spec: each wait policy's stall (p50 and p99) against the CPU every process spent per step — the trade a spin makes. */
function waitTradeoffSpec(results: SweepResultsFile): TopLevelSpec {
  const values = results.rows
    .filter((r) => r.wait !== undefined && r.cpu !== undefined && r.cpu.length > 0)
    .flatMap((r) => {
      const cpuUs = (r.cpu ?? []).reduce((sum, c) => sum + c.usPerStep, 0);
      const config = `${r.codec} ${r.strategy}`;
      const size = r.sequence === 'generated' ? `${r.batch}x${r.seqLen}` : r.sequence;
      return [
        { wait: r.wait, transport: r.transport, size, config, cpuUs, quantile: 'p50', stallMs: r.report.stall.p50, p50: r.report.stall.p50, p99: r.report.stall.p99 },
        { wait: r.wait, transport: r.transport, size, config, cpuUs, quantile: 'p99', stallMs: r.report.stall.p99, p50: r.report.stall.p50, p99: r.report.stall.p99 },
      ];
    });
  const idle = results.rows.find((r) => r.report.idleMs !== undefined)?.report.idleMs;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'What waiting costs: stall per step against CPU per step, by wait policy (tp=2, real processes)',
      subtitle: [provenance(results), `CPU: user + system µs per step of the scheduler and every rank together${idle === undefined ? ', steps back to back' : `, each step after ${idle} ms idle (the GPU's step stood in for)`}; filled: p50, open: p99, joined per row`],
    },
    data: { values },
    facet: { row: { field: 'size', type: 'nominal', title: null }, column: { field: 'transport', type: 'nominal' } },
    spec: {
      width: 300,
      height: 200,
      layer: [
        { mark: { type: 'rule', opacity: 0.5 }, transform: [{ filter: "datum.quantile === 'p50'" }], encoding: { x: { field: 'cpuUs', type: 'quantitative', scale: { type: 'log' } }, y: { field: 'p50', type: 'quantitative', scale: { type: 'log' } }, y2: { field: 'p99' }, color: { field: 'wait', type: 'nominal', legend: LEGEND } } },
        {
          mark: { type: 'point', size: 60, strokeWidth: 2 },
          encoding: {
            x: { field: 'cpuUs', type: 'quantitative', scale: { type: 'log' }, title: 'CPU µs per step, all processes (log)' },
            y: { field: 'stallMs', type: 'quantitative', scale: { type: 'log' }, title: 'stall per step (ms, log)' },
            color: { field: 'wait', type: 'nominal', title: 'wait policy', legend: LEGEND },
            shape: { field: 'config', type: 'nominal', title: 'codec, strategy', legend: LEGEND },
            fill: { condition: { test: "datum.quantile === 'p50'", field: 'wait', type: 'nominal' }, value: 'transparent' },
          },
        },
      ],
    },
  };
}

/** Renders a Vega-Lite spec to an SVG string, headless. */
async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

/** The chart specs of a sweep, by file name (for tests and custom rendering). */
export function chartSpecs(results: SweepResultsFile): Record<keyof ChartSet, TopLevelSpec | null> {
  const captured = results.rows.every((r) => r.sequence !== 'generated');
  return {
    'stall-vs-seqlen.svg': captured ? null : stallVsSeqLenSpec(results),
    'stall-by-codec.svg': captured ? stallByCodecSpec(results) : null,
    'stall-split.svg': stallSplitSpec(results),
    'timeline.svg': results.timelines.length > 0 ? timelineSpec(results) : null,
    'wait-tradeoff.svg': new Set(results.rows.map((r) => r.wait).filter((w) => w !== undefined)).size > 1 ? waitTradeoffSpec(results) : null,
  };
}

/** Renders every chart of a sweep. */
export async function renderCharts(results: SweepResultsFile): Promise<ChartSet> {
  const specs = chartSpecs(results);
  const out = { 'stall-vs-seqlen.svg': '', 'stall-by-codec.svg': '', 'stall-split.svg': '', 'timeline.svg': '', 'wait-tradeoff.svg': '' };
  for (const name of Object.keys(out) as (keyof ChartSet)[]) {
    const spec = specs[name];
    out[name] = spec === null ? '' : await renderSvg(spec);
  }
  return out;
}

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { SweepResultsFile } from './sweep-results.js';

/** The SVG charts of a sweep, by file name. */
export type ChartSet = Record<'stall-vs-seqlen.svg' | 'stall-split.svg' | 'timeline.svg', string>;

const PART_ORDER = ['encode', 'transfer', 'decode', 'derive'];
const PHASE_ORDER = ['encode', 'send', 'transfer', 'decode', 'derive'];
// One colour per phase in every chart, so a split bar and a timeline read the same way.
const PHASE_COLORS = { domain: PHASE_ORDER, range: ['#4c78a8', '#9ecae9', '#f58518', '#e45756', '#54a24b'] };

function provenance(results: SweepResultsFile): string {
  const c = results.context;
  return `${c.cpuModel}, ${c.cores} cores, Node ${c.node}, ${c.date.slice(0, 10)}${results.complete ? '' : ' (interrupted run)'}`;
}

/** Vega-Lite spec: ms of stall per step vs seq_len, log-log, a line per codec, a panel per strategy, the GPU step as a reference. */
function stallVsSeqLenSpec(results: SweepResultsFile): TopLevelSpec {
  const values = results.rows.map((r) => ({
    codec: r.codec,
    strategy: r.strategy,
    seqLen: r.seqLen,
    stallMs: Math.max(r.report.stall.p50, 1e-3),
    reference: r.codec.endsWith('(python3)'),
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Stall per step vs context length (batch ${results.options.batch}, tp=2 measured)`,
      subtitle: [provenance(results), 'dashed: Python pickle dumps + loads, inside Python (no transport)'],
    },
    data: { values },
    facet: { column: { field: 'strategy', type: 'nominal', title: 'strategy', sort: ['full', 'new-slots', 'no-slots', 'delta'] } },
    spec: {
      width: 260,
      height: 260,
      layer: [
        {
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'seqLen', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'seq_len (tokens per request)' },
            y: { field: 'stallMs', type: 'quantitative', scale: { type: 'log' }, title: 'stall per step (ms, p50)' },
            color: { field: 'codec', type: 'nominal' },
            strokeDash: { field: 'reference', type: 'nominal', legend: null, scale: { domain: [false, true], range: [[1, 0], [5, 3]] } },
          },
        },
        {
          mark: { type: 'rule', color: 'black', strokeDash: [2, 2] },
          encoding: { y: { datum: results.options.stepMs } },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, dy: -6, fontSize: 10 },
          encoding: { y: { datum: results.options.stepMs }, x: { datum: Math.min(...results.options.seqLens) }, text: { value: `GPU step ${results.options.stepMs} ms` } },
        },
      ],
    },
  };
}

/** Vega-Lite spec: where the stall goes (encode / transfer / decode / derive) per codec at the largest size. */
function stallSplitSpec(results: SweepResultsFile): TopLevelSpec {
  const largest = Math.max(...results.rows.map((r) => r.seqLen));
  const values = results.rows
    .filter((r) => r.seqLen === largest)
    .flatMap((r) =>
      PART_ORDER.map((part) => ({
        codec: r.codec,
        strategy: r.strategy,
        part,
        order: PART_ORDER.indexOf(part),
        ms: { encode: r.report.parts.encodeMs, transfer: r.report.parts.transferMs, decode: r.report.parts.decodeMs, derive: r.report.parts.deriveMs }[part] ?? 0,
      })),
    );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Where the stall goes at seq_len ${largest} (batch ${results.options.batch}, p50 per part)`, subtitle: provenance(results) },
    data: { values },
    facet: { row: { field: 'strategy', type: 'nominal', sort: ['full', 'new-slots', 'no-slots', 'delta'] } },
    spec: {
      width: 520,
      mark: 'bar',
      encoding: {
        y: { field: 'codec', type: 'nominal', title: null },
        x: { field: 'ms', type: 'quantitative', stack: 'zero', title: 'ms per step' },
        color: { field: 'part', type: 'nominal', sort: PART_ORDER, scale: PHASE_COLORS },
        order: { field: 'order', type: 'quantitative' },
      },
    },
    resolve: { scale: { x: 'independent' } },
  };
}

/** Vega-Lite spec: one step on every rank for the worst and best configuration: the bubble. */
function timelineSpec(results: SweepResultsFile): TopLevelSpec {
  const values = results.timelines.flatMap((t) =>
    t.events.map((e) => ({
      ...e,
      rank: e.rank === 0 ? 'rank 0 (scheduler)' : `rank ${e.rank}`,
      config: `${t.label}: ${t.codec}, ${t.strategy}, seq_len ${t.seqLen}, tp=${t.tp}${t.oversubscribed ? ' (ranks share cores)' : ''}`,
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'One step on every rank: until its bar ends, a rank cannot launch its CUDA graph', subtitle: provenance(results) },
    data: { values },
    facet: { row: { field: 'config', type: 'nominal', title: null, sort: 'descending', header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top' } } },
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

/** Renders a Vega-Lite spec to an SVG string, headless. */
async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

/** Renders every chart of a sweep. */
export async function renderCharts(results: SweepResultsFile): Promise<ChartSet> {
  return {
    'stall-vs-seqlen.svg': await renderSvg(stallVsSeqLenSpec(results)),
    'stall-split.svg': await renderSvg(stallSplitSpec(results)),
    'timeline.svg': results.timelines.length > 0 ? await renderSvg(timelineSpec(results)) : '',
  };
}

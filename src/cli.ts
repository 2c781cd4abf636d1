#!/usr/bin/env node
// The stallbench command: the sweep (default) and `report`. The only module that prints or exits.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isCodecName, listCodecs, type CodecName } from './codecs/registry.js';
import { OptionsError } from './errors.js';
import { collectRunContext } from './harness/context.js';
import { DEFAULT_STEP_PRESET, STEP_PRESETS } from './model/presets.js';
import { renderCharts } from './report/charts.js';
import { buildReadme } from './report/readme.js';
import { ReportError } from './report/readme-sections.js';
import { SWEEP_SCHEMA_VERSION, writeSweepResults, type SweepResultsFile } from './report/sweep-results.js';
import { writeFileAtomic } from './report/write-atomic.js';
import { checkStrategy } from './strategies/strategies.js';
import type { StrategyName } from './strategies/types.js';
import { runSweep, type SweepOptions } from './sweep/sweep.js';

const HELP = `usage: stallbench [options]          run the sweep, write results and charts
       stallbench report [--results DIR] [--readme FILE]   regenerate the README from results

sweep options:
  --codecs a,b        codecs (default: all: ${listCodecs().join(', ')})
  --strategies a,b    full, new-slots, no-slots, delta (default: full,no-slots,delta)
  --batch N           requests per step (default: 64)
  --seq-lens a,b      context lengths (default: 512,1024,...,32768)
  --tp a,b            TP sizes to project onto (default: 4,8); tp=2 and 3 are measured
  --finish-rate P     chance per step that a request finishes and a prefilling one arrives
                      (default: 0, steady decode; arrivals add their whole prompt's slots)
  --step-ms MS        GPU step time (default: ${STEP_PRESETS[DEFAULT_STEP_PRESET].stepMs}, ${DEFAULT_STEP_PRESET})
  --quick             fewer codecs and sizes, shorter runs (under a minute)
  --out DIR           results folder (default: results)
  --trace DIR         also write Chrome traces (Perfetto) of the worst and best configuration
  --no-ipc            time encode/decode/derive in-process only (no rank processes)
  --python PATH       interpreter for the pickle reference rows (default: python3)
  --no-python         leave the pickle reference out
  --help              this text`;

const ALL_SEQ_LENS = [512, 1024, 2048, 4096, 8192, 16384, 32768];
const QUICK_CODECS: CodecName[] = ['msgpack-boxed', 'msgpack', 'flatbuffers', 'shm'];

function list<T>(text: string | undefined, fallback: T[], parse: (item: string) => T): T[] {
  return text === undefined ? fallback : text.split(',').map((item) => parse(item.trim()));
}

function positiveInt(option: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new OptionsError(option, `'${text}' is not an integer in [1, ${max}]`);
  return n;
}

function sweepOptions(args: string[]): { options: Omit<SweepOptions, 'signal' | 'onProgress'>; out: string; trace: string | undefined } | null {
  const { values } = parseArgs({
    args,
    options: {
      codecs: { type: 'string' },
      strategies: { type: 'string' },
      batch: { type: 'string' },
      'seq-lens': { type: 'string' },
      tp: { type: 'string' },
      'step-ms': { type: 'string' },
      'finish-rate': { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: 'results' },
      trace: { type: 'string' },
      'no-ipc': { type: 'boolean', default: false },
      python: { type: 'string', default: 'python3' },
      'no-python': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return null;
  const quick = values.quick;
  const stepMs = values['step-ms'] === undefined ? STEP_PRESETS[DEFAULT_STEP_PRESET].stepMs : Number(values['step-ms']);
  if (!Number.isFinite(stepMs) || stepMs <= 0) throw new OptionsError('step-ms', `'${values['step-ms']}' is not a positive number of ms`);
  return {
    options: {
      codecs: list(values.codecs, quick ? QUICK_CODECS : listCodecs(), (name): CodecName => {
        if (!isCodecName(name)) throw new OptionsError('codecs', `unknown codec '${name}'; known: ${listCodecs().join(', ')}`);
        return name;
      }),
      strategies: list<StrategyName>(values.strategies, ['full', 'no-slots', 'delta'], checkStrategy),
      batch: positiveInt('batch', values.batch ?? '64', 4096),
      seqLens: list(values['seq-lens'], quick ? [512, 4096] : ALL_SEQ_LENS, (n) => positiveInt('seq-lens', n, 1 << 17)),
      projectTp: list(values.tp, [4, 8], (n) => positiveInt('tp', n, 1024)),
      stepMs,
      ipc: !values['no-ipc'],
      sequenceSteps: quick ? 4 : 6,
      finishRate: rate(values['finish-rate'] ?? '0'),
      broadcastSteps: quick ? 5 : 10,
      timeMs: quick ? 50 : 150,
      python: values['no-python'] ? null : values.python,
    },
    out: values.out,
    trace: values.trace,
  };
}

function rate(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !(n >= 0 && n <= 1)) throw new OptionsError('finish-rate', `'${text}' is not a probability in [0, 1]`);
  return n;
}

function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

function progressPrinter(): (p: { done: number; total: number; label: string }) => void {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  return ({ done, total, label }) => {
    const elapsed = (Date.now() - started) / 1000;
    const left = done > 0 ? (elapsed / done) * (total - done) : Number.NaN;
    const eta = Number.isFinite(left) ? `${formatDuration(left)} left` : 'estimating';
    if (!tty) {
      process.stderr.write(`[${Math.min(done + 1, total)}/${total}] ${label} (${formatDuration(elapsed)} elapsed)\n`);
      return;
    }
    const width = 30;
    const filled = Math.round((done / Math.max(1, total)) * width);
    process.stderr.write(`\r\u001b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label} · ${eta}`);
  };
}

async function sweep(args: string[]): Promise<number> {
  const parsed = sweepOptions(args);
  if (parsed === null) {
    console.log(HELP);
    return 0;
  }
  const { options, out, trace } = parsed;
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    controller.abort('interrupted');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const started = Date.now();
  const context = collectRunContext();
  console.log(`stallbench sweep on ${context.cpuModel} (${context.cores} cores), Node ${context.node}: ${options.codecs.length} codecs × ${options.strategies.length} strategies × ${options.seqLens.length} sizes`);
  const outcome = await runSweep({
    ...options,
    ...(trace !== undefined ? { traceDir: trace } : {}),
    signal: controller.signal,
    onProgress: progressPrinter(),
    onPythonUnavailable: (reason) => process.stderr.write(`\nstallbench: no pickle reference rows (${reason}); carrying on without them\n`),
  });
  if (process.stderr.isTTY === true) process.stderr.write('\n');
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const results: SweepResultsFile = {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    kind: 'sweep',
    context: {
      ...context,
      wallSeconds: (Date.now() - started) / 1000,
      peakRssMiB,
      peakRssNote: `scheduler process; each rank is a separate process of its own (${availableParallelism()} cores here)`,
      python: outcome.python,
    },
    options,
    complete: outcome.complete && !interrupted,
    rows: outcome.rows,
    timelines: outcome.timelines,
  };
  if (results.rows.length === 0) {
    console.error('stallbench: interrupted before any configuration was measured; nothing written');
    return 130;
  }
  const files = writeSweepResults(out, results);
  const charts = await renderCharts(results);
  for (const [name, svg] of Object.entries(charts)) if (svg !== '') writeFileAtomic(join(out, 'charts', name), svg);
  console.log(`${results.rows.length} rows in ${formatDuration(results.context.wallSeconds)}, peak RSS ${peakRssMiB.toFixed(0)} MiB`);
  console.log(`wrote ${files.json}, ${files.csv}, ${join(out, 'latest.json')} and ${join(out, 'charts')}/*.svg`);
  if (!results.complete) {
    console.log('interrupted: the results above hold what was measured until then');
    return 130;
  }
  return 0;
}

async function report(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { results: { type: 'string', default: 'results' }, readme: { type: 'string', default: 'README.md' } }, strict: true });
  const built = await buildReadme(values.readme, values.results);
  for (const [name, svg] of Object.entries(built.charts)) if (svg !== '') writeFileAtomic(join(values.results, 'charts', name), svg);
  writeFileAtomic(values.readme, built.readme);
  console.log(`${values.readme}: regenerated from ${built.sweepPath}; charts in ${join(values.results, 'charts')}`);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  try {
    return argv[0] === 'report' ? await report(argv.slice(1)) : await sweep(argv);
  } catch (error) {
    const usage = error instanceof OptionsError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
    if (usage || error instanceof ReportError) {
      // One line, whatever the parser wrote: scripts read the first line of stderr.
      console.error(`stallbench: ${(error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')}`);
      return usage ? 2 : 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));

import { availableParallelism } from 'node:os';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SAMPLING_PRESETS } from '../broadcast/sampling.js';
import { checkCodecRef, isCodecModuleRef, loadCodecModule } from '../codecs/module.js';
import { listCodecs } from '../codecs/registry.js';
import { generateVllmStyleMessages } from '../kinds/vllm-style.js';
import { loadMessages } from '../message/load.js';
import type { MessageSequence } from '../message/types.js';
import { OptionsError } from '../errors.js';
import { collectRunContext } from '../harness/context.js';
import { writeFileAtomic } from '../harness/write-atomic.js';
import { STEP_PRESETS, type StepPresetName } from '../model/presets.js';
import { renderCharts } from '../report/charts.js';
import { SWEEP_SCHEMA_VERSION, writeSweepResults, type StoredSweepOptions, type SweepResultsFile } from '../report/sweep-results.js';
import { terminalSummary } from '../report/terminal-summary.js';
import { terminalWidth } from '../report/terminal-table.js';
import { checkStrategy, type StrategyName } from '../kinds/strategy.js';
import { DEFAULT_ORDER_SEED } from '../sweep/order.js';
import { pythonCodecsOf } from '../sweep/configs.js';
import { runSweep } from '../sweep/sweep.js';
import { TRANSPORT_NAMES } from '../transport/types.js';
import { checkPythonCodec, SEED_PYTHON_CODECS } from '../python/codecs.js';
import { checkLinkOption, LIMITS, list, tcpOption, waitOptions, oneOf, positiveInt, positiveNumber, probability, shmRingOption, tpOption } from './args.js';
import { formatDuration, progressPrinter } from './progress.js';
import { abortOnSignals } from './interrupt.js';
import { checkWritable } from '../harness/output-path.js';
import { checkSystem, formatSystemCheck } from '../harness/system-check.js';


/** Help text of the sweep, the default command. */
export const SWEEP_HELP = `usage: stallbench [sweep] [options]     run the sweep, write results, charts and a summary

  --codecs a,b        codecs (default: all: ${listCodecs().join(', ')}); a path to an ES module
                      whose default export is a factory () => Codec measures your own codec
  --strategies a,b    full, new-slots, no-slots, delta (default: full,no-slots,delta; captured messages:
                      full,delta)
  --messages FILE     measure a captured sequence (JSON Lines, or a msgpack stream; dtypes inferred or from
                      FILE.dtypes.json — python/capture.py writes both) instead of generated steps;
                      vllm-style:BATCHxSEQLEN:STEPS generates a vLLM-style scheduler output sequence instead
  --batch N           requests per step (default: 64)
  --seq-lens a,b      context lengths (default: 512,1024,2048,4096,8192,16384,32768)
  --block-size N      tokens per KV block (default: 16)
  --tp a,b            TP sizes to project onto (default: 4,8). tp=2 is measured with real processes;
                      a TP this machine has tp+1 cores for is also measured directly, as a check on its band
  --step-ms MS        GPU step time for every TP (default: each TP's preset; a TP without one gets no idle share)
  --preset NAME       take the GPU step time for every TP from one preset:
${Object.entries(STEP_PRESETS)
  .map(([name, p]) => `                        ${name}: ${p.stepMs} ms (${p.label})`)
  .join('\n')}
  --overlap           the engine overlaps scheduling with the GPU step (only stall beyond the step is exposed)
  --finish-rate P     chance per step that a request finishes and a prefilling one arrives (default: 0)
  --regime R          reused (encode into pooled buffers, as an engine does) or fresh (new memory per message)
                      (default: reused)
  --samples N         measured steps per configuration (default: ${SAMPLING_PRESETS.full.samples}; fewer when a configuration's
                      steps are too slow for the ${SAMPLING_PRESETS.full.budgetMs / 1000} s budget, never under ${SAMPLING_PRESETS.full.minSamples})
  --blocks N          blocks the samples are taken in, spread over the run (default: ${SAMPLING_PRESETS.full.blocks}); compare tests
                      block medians, so more blocks make a more sensitive gate
  --repeat N          independent launches with fresh rank processes; rows pool them and show the spread
  --order-seed N      seed of the shuffled order each round of blocks measures the configurations in (default: 1)
  --quick             fewer codecs and sizes, ${SAMPLING_PRESETS.quick.samples} steps each (under a minute)
  --out DIR           results folder (default: results)
  --trace DIR         also write a Chrome trace (Perfetto) of every configuration's measured steps
  --transport a,b     how frames travel: ipc (ZeroMQ ipc://, the default), shm-ring (a shared-memory ring in
                      the style of vLLM's MessageQueue), tcp (ZeroMQ tcp://, one PUB to every rank, CurveZMQ: every
                      frame encrypted) and/or tcp-plain (the same, frames in the clear as engines send them; a ZAP-
                      checked password from the secret); each is measured with its empty-message floor
  --link RTT,BW       project each tcp row onto a network link, e.g. 25us,100Gbps: its one-way latency once, and
                      the bytes over its bandwidth once (low: one send reaches every peer) or once per peer (high)
  --listen ADDR       where a tcp scheduler listens (default: 127.0.0.1, loopback); its CurveZMQ keys come from
                      the secret in the file STALLBENCH_SECRET_FILE names, or STALLBENCH_SECRET (hex), else a fresh one
  --spin-us N         how long a waiting shm-ring end polls before it sleeps, µs (default: 20000 where every
                      process has a core and one is to spare, else 50); recorded with each row
  --wait a,b          wait policies to measure every configuration under, each in the same run: sleep
                      (block at once), spin:N (spin N µs, then block), spin (always), adaptive[:PIVOT] (spin
                      a grace that follows the gap between steps: PIVOT²/gap, 50 µs to 20 ms; PIVOT 1000 µs)
                      (default: the transport's own: ipc blocks at once, shm-ring as --spin-us says)
  --idle-ms MS        the GPU's step, stood in for: rank 0 sleeps MS before each step while the ranks wait
                      under their policy, so CPU per step holds what waiting costs (default: 0, back to back)
  --no-ipc            encode, decode and derive one after the other in this process (no rank processes)
  --python PATH       interpreter for the Python rows — the seed's own system: a Python scheduler and Python
                      ranks (numpy, pyzmq and msgpack needed; /usr/bin/python3 is tried after PATH) — and
                      for the in-process pickle reference table (default: python3)
  --python-codecs a,b Python codecs or ./codec.py modules (default: ${SEED_PYTHON_CODECS.join(',')}; with --messages
                      also msgpack; empty for none)
  --replay            with --messages FILE: the Python rows pickle the engine's own objects from FILE.replay
                      (written by Capture(path, replay=True)), full, with pickle and pickle-oob; unpickling
                      runs the engine's code, as pickle does
  --python-path DIRS  folders (comma-separated) the Python processes import from, e.g. the engine's classes
  --no-python         leave the Python rows and the pickle reference out
  --help              this text`;

/** Runs the sweep command; returns the exit code. */
export async function sweepCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      codecs: { type: 'string' },
      strategies: { type: 'string' },
      messages: { type: 'string' },
      batch: { type: 'string' },
      'seq-lens': { type: 'string' },
      'block-size': { type: 'string' },
      tp: { type: 'string' },
      'step-ms': { type: 'string' },
      preset: { type: 'string' },
      overlap: { type: 'boolean', default: false },
      'finish-rate': { type: 'string' },
      regime: { type: 'string' },
      samples: { type: 'string' },
      blocks: { type: 'string' },
      repeat: { type: 'string' },
      'order-seed': { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string', default: 'results' },
      trace: { type: 'string' },
      'no-ipc': { type: 'boolean', default: false },
      transport: { type: 'string' },
      'spin-us': { type: 'string' },
      wait: { type: 'string' },
      'idle-ms': { type: 'string' },
      listen: { type: 'string' },
      link: { type: 'string' },
      python: { type: 'string', default: 'python3' },
      'no-python': { type: 'boolean', default: false },
      'python-codecs': { type: 'string' },
      replay: { type: 'boolean', default: false },
      'python-path': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(SWEEP_HELP);
    return 0;
  }
  const quick = values.quick;
  const base = quick ? SAMPLING_PRESETS.quick : SAMPLING_PRESETS.full;
  const samples = values.samples === undefined ? base.samples : positiveInt('samples', values.samples, 100_000);
  const blocks = values.blocks === undefined ? base.blocks : positiveInt('blocks', values.blocks, 1000);
  if (blocks > samples) throw new OptionsError('blocks', `${blocks} blocks cannot hold ${samples} samples; give --samples ${blocks} or more`);
  const sampling = { ...base, samples, blocks, minSamples: Math.max(blocks, Math.min(base.minSamples, samples)) };
  if (values.preset !== undefined && values['step-ms'] !== undefined) throw new OptionsError('preset', 'give --step-ms or --preset, not both');
  const preset = values.preset === undefined ? undefined : oneOf('preset', values.preset, Object.keys(STEP_PRESETS) as StepPresetName[]);
  const stepMs = values['step-ms'] !== undefined ? positiveNumber('step-ms', values['step-ms']) : preset !== undefined ? STEP_PRESETS[preset].stepMs : undefined;
  const messages = values.messages === undefined ? undefined : await messagesFrom(values.messages);
  if (messages !== undefined && values.batch !== undefined) messages.batch = positiveInt('batch', values.batch, LIMITS.batch);
  // Module codecs are loaded here, before any rank starts: a module that does not load is one line and exit 2.
  const codecs = list(values.codecs, listCodecs(), (name) => checkCodecRef(name));
  for (const ref of codecs) if (isCodecModuleRef(ref)) await loadCodecModule(ref);
  const transports: StoredSweepOptions['transports'] = values['no-ipc'] ? ['none'] : list(values.transport, ['ipc'], (name) => oneOf('transport', name, TRANSPORT_NAMES));
  const options: StoredSweepOptions = {
    codecs,
    strategies: list<StrategyName>(values.strategies, messages === undefined ? ['full', 'no-slots', 'delta'] : ['full', 'delta'], checkStrategy),
    ...(messages !== undefined ? { messages: messages.source } : {}),
    batch: positiveInt('batch', values.batch ?? '64', LIMITS.batch),
    seqLens: list(values['seq-lens'], [512, 4096], (n) => positiveInt('seq-lens', n, LIMITS.seqLen)),
    blockSize: positiveInt('block-size', values['block-size'] ?? '16', 1 << 20),
    projectTp: list(values.tp, [4, 8], (n) => tpOption('tp', n, LIMITS.tp)),
    ...(stepMs !== undefined ? { stepMs } : {}),
    overlap: values.overlap,
    transports,
    ...shmRingOption(values['spin-us'], transports),
    ...waitOptions(values.wait, values['idle-ms'], values['spin-us']),
    ...tcpOption(values.listen, transports),
    ...(values.link === undefined ? {} : { link: values.link }),
    finishRate: probability('finish-rate', values['finish-rate'] ?? '0'),
    regime: oneOf('regime', values.regime ?? 'reused', ['reused', 'fresh'] as const),
    sampling,
    repeat: positiveInt('repeat', values.repeat ?? '1', 100),
    orderSeed: positiveInt('order-seed', values['order-seed'] ?? String(DEFAULT_ORDER_SEED), 0xffffffff),
    python: values['no-python'] ? null : pythonOption(values.python),
    ...replayOptions(values.replay, values.messages, values['python-path']),
    ...(values['python-codecs'] === undefined ? {} : { pythonCodecs: values['python-codecs'] === '' ? [] : list(values['python-codecs'], [], checkPythonCodec) }),
    trace: values.trace !== undefined,
  };
  if (options.link !== undefined) checkLinkOption(options.link, transports);
  // Every output is checked before anything runs: a bad --out must not cost the user a sweep.
  checkWritable(values.out, 'folder');
  if (values.trace !== undefined) checkWritable(values.trace, 'folder');
  const controller = new AbortController();
  const signals = abortOnSignals(controller);
  const started = Date.now();
  const context = collectRunContext();
  const python = pythonCodecsOf({ ...options, ...(messages === undefined ? {} : { messages }) }).length;
  console.log(
    `stallbench sweep on ${context.cpuModel} (${context.cores} cores, load ${context.loadAverage[0].toFixed(2)}), Node ${context.node}: ` +
      `${options.codecs.length} codecs${python > 0 ? ` (+ ${python} Python)` : ''} × ${options.strategies.length} strategies × ${messages === undefined ? `${options.seqLens.length} sizes` : `${messages.messages.length} captured steps`}${options.wait !== undefined ? ` × ${options.wait.length} wait policies` : ''}${options.idleMs !== undefined ? `, ${options.idleMs} ms idle before each step` : ''}${options.repeat !== undefined && options.repeat > 1 ? ` × ${options.repeat} launches` : ''}`,
  );
  if (options.idleMs !== undefined && options.python !== null && options.transports.includes('ipc')) {
    console.log(`Python rows left out: the Python scheduler runs its steps back to back, and --idle-ms ${options.idleMs} asks for a gap before each`);
  }
  // Python rows run a scheduler process beside the rank and this one; Node rows, this one and the rank.
  const system = await checkSystem({ processes: options.python === null ? 2 : 3 });
  console.log(formatSystemCheck(system));
  const outcome = await runSweep({
    ...options,
    messages,
    signal: controller.signal,
    onProgress: progressPrinter(),
    onPythonUnavailable: (reason) => process.stderr.write(`\nstallbench: no Python rows (${oneLine(reason, 110)}); carrying on without them (--python PATH picks one; the results file has the whole reason)\n`),
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
      ...(outcome.pythonRanks === null ? {} : { pythonRanks: outcome.pythonRanks }),
      system,
    },
    options,
    complete: outcome.complete && !signals.interrupted(),
    ...(outcome.stoppedBy === undefined ? {} : { stoppedBy: outcome.stoppedBy }),
    rows: outcome.rows,
    reference: outcome.reference,
    timelines: outcome.timelines,
  };
  if (results.rows.length === 0) {
    console.error(`stallbench: ${outcome.stoppedBy ?? 'interrupted'} before any configuration was measured; nothing written`);
    return outcome.stoppedBy === undefined ? 130 : 1;
  }
  const files = writeSweepResults(values.out, results);
  const charts = await renderCharts(results);
  for (const [name, svg] of Object.entries(charts)) if (svg !== '') writeFileAtomic(join(values.out, 'charts', name), svg);
  printSummary(results);
  console.log(`${results.rows.length} rows in ${formatDuration(results.context.wallSeconds)}, peak RSS ${peakRssMiB.toFixed(0)} MiB`);
  console.log(`wrote ${files.json}, ${files.csv}, ${join(values.out, 'latest.json')} and ${join(values.out, 'charts')}/*.svg`);
  if (values.trace !== undefined && outcome.traces.length > 0) {
    const written = outcome.traces.map(({ name, trace }) => {
      const path = join(values.trace as string, name);
      writeFileAtomic(path, JSON.stringify(trace));
      return path;
    });
    console.log(`traces (open in https://ui.perfetto.dev):\n${written.map((t) => `  ${t}`).join('\n')}`);
  }
  if (outcome.stoppedBy !== undefined) {
    console.error(`stallbench: stopped, ${outcome.stoppedBy}; the results above hold what was measured until then`);
    return 1;
  }
  if (!results.complete) {
    console.log('interrupted: the results above hold what was measured until then');
    return 130;
  }
  return 0;
}

/** --python, checked: a path that names no file is a typo, not a reason to measure some other interpreter. */
function pythonOption(python: string): string {
  if (python.includes('/') && !existsSync(python)) throw new OptionsError('python', `no interpreter at ${python}`);
  return python;
}

/** --replay and --python-path, checked: a replay needs a messages file with its `.replay` beside it, and folders that exist. */
function replayOptions(replay: boolean, messages: string | undefined, pythonPath: string | undefined): Pick<StoredSweepOptions, 'replay' | 'pythonPath'> {
  const out: Pick<StoredSweepOptions, 'replay' | 'pythonPath'> = {};
  if (pythonPath !== undefined) {
    out.pythonPath = list(pythonPath, [], (dir) => {
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new OptionsError('python-path', `${dir} is not a folder`);
      return resolve(dir);
    });
  }
  if (!replay) return out;
  if (messages === undefined || !existsSync(messages)) throw new OptionsError('replay', '--replay needs --messages FILE, a captured file');
  const file = resolve(`${messages}.replay`);
  if (!existsSync(file)) throw new OptionsError('replay', `no replay file at ${file}: Capture(path, replay=True) writes it beside the JSON Lines`);
  out.replay = file;
  return out;
}

/** The first line of a text, cut at `max` characters: a notice fits a terminal line or two. */
function oneLine(text: string, max: number): string {
  const first = text.split('\n')[0] ?? '';
  return first.length <= max ? first : `${first.slice(0, max - 1)}…`;
}

/** A captured file, or `vllm-style:BxS:STEPS` for a generated vLLM-style sequence. */
async function messagesFrom(spec: string): Promise<MessageSequence> {
  if (!spec.startsWith('vllm-style:')) return loadMessages(spec);
  const match = /^vllm-style:(\d+)x(\d+):(\d+)$/.exec(spec);
  if (match === null) throw new OptionsError('messages', `'${spec}' is not vllm-style:BATCHxSEQLEN:STEPS, e.g. vllm-style:64x32768:200`);
  return generateVllmStyleMessages({ batch: positiveInt('messages', match[1] ?? '', LIMITS.batch), seqLen: positiveInt('messages', match[2] ?? '', LIMITS.seqLen), steps: positiveInt('messages', match[3] ?? '', 100_000), seed: 1 });
}

/** The decision first, fitted to the terminal (100 columns when it is not one); the method is in docs/method.md. */
function printSummary(results: SweepResultsFile): void {
  console.log(`\n${terminalSummary(results, terminalWidth(100))}`);
}

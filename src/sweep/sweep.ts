import { availableParallelism } from 'node:os';
import { criticalPath } from '../broadcast/parts.js';
import { measureEmptyStep, openRankSession, stallOf, type Runtime, type ActiveRun, type AllocationRegime, type Measurement, type RankSession, type StepRecord } from '../broadcast/session.js';
import { RankFailedError } from '../broadcast/errors.js';
import { broadcastTrace } from '../broadcast/trace.js';
import { codecModulePath, isCodecModuleRef } from '../codecs/module.js';
import { OptionsError } from '../errors.js';
import { CTX_META_KIND } from '../kinds/ctx-meta/kind.js';
import { messageKind } from '../kinds/captured.js';
import type { PayloadKind } from '../kinds/types.js';
import { messageSource } from '../kinds/captured-source.js';
import type { MessageSequence } from '../message/types.js';
import { checkRoundTrip } from '../model/gate.js';
import { checkPythonCodec, PYTHON_CODEC_NAMES } from '../python/codecs.js';
import { PythonUnavailableError } from '../python/errors.js';
import { DEFAULT_PYTHONS, findPython, type PythonInfo } from '../python/probe.js';
import { checkPythonRoundTrip, openPythonSession } from '../python/session.js';
import { collectRunContext, type RunContext } from '../harness/context.js';
import { writeFileAtomic } from '../harness/write-atomic.js';
import { startInProcess } from '../model/in-process.js';
import { basename, join } from 'node:path';
import { checkPlan, nextBlock, SAMPLING_PRESETS, stepsNeeded, type SamplingPlan, type SamplingPresetName, type WarmupOutcome } from '../broadcast/sampling.js';
import { bandInputsOf, directResult, measuredReport, timeCopyFloors, type CopyFloors, type MeasuredReport, type MeasuredTransport, type StallReport } from '../model/measure-stall.js';
import type { WaitPolicy } from '../transport/shm-ring-wait.js';
import type { TransportName } from '../transport/types.js';
import { stepTimeFor, type StepTime } from '../model/presets.js';
import { projectBand, projectOntoGpu, type GpuProjection, type StallBand } from '../model/projection.js';
import { generatedSource, type StepSource } from '../kinds/ctx-meta/source.js';
import { createPrng } from '../kinds/prng.js';
import { streamSteps } from '../kinds/ctx-meta/sequence.js';
import { PythonReferenceError, runPickleReference } from '../reference/pickle.js';
import { pickleRow, type ReferenceRow } from '../reference/reference-row.js';
import { summarizeSamples, type SampleSummary } from '../stats/summary.js';
import { createSchedulerSide } from '../kinds/ctx-meta/strategies.js';
import type { StrategyName } from '../kinds/strategy.js';
import { checkShmRingOptionsUse, type ShmRingOptions } from '../transport/shm-ring.js';

/** Options of runSweep. */
export interface SweepOptions {
  codecs: readonly string[];
  strategies: readonly StrategyName[];
  batch: number;
  seqLens: readonly number[];
  /** A captured sequence to measure instead of generated CtxMeta steps (seqLens and blockSize are then unused). */
  messages?: MessageSequence;
  /** Tokens per KV block. @default 16 */
  blockSize?: number;
  /** TP sizes to project onto (tp=2 is measured). */
  projectTp: readonly number[];
  /** GPU step time for every TP; without it each TP takes its preset, and a TP without one gets no idle share. */
  stepMs?: number;
  /** The engine overlaps scheduling with the GPU step. @default false */
  overlap?: boolean;
  /** Transports to measure each configuration over ('ipc', 'shm-ring'), or 'none' to encode, decode and derive in this process. */
  transports: readonly MeasuredTransport[];
  /** Geometry and wait policy of the shm-ring transport (each row records the policy that ran). */
  shmRing?: ShmRingOptions;
  /** Chance per step that a request finishes and a prefilling one arrives; 0 is steady decode. */
  finishRate: number;
  /** How many steps each configuration measures. */
  sampling: SamplingPresetName | SamplingPlan;
  /** @default 'reused' */
  regime?: AllocationRegime;
  /** Independent launches (fresh rank processes each); rows pool their samples and report the spread of the medians. @default 1 */
  repeat?: number;
  /**
   * Python interpreter for the Python rows (the seed's system: a Python scheduler and Python ranks) and the in-process
   * pickle reference; null leaves both out. With 'auto' the first interpreter that has numpy, pyzmq and msgpack is used.
   */
  python: string | null;
  /** Codecs of the Python rows. @default all: pickle, pickle-oob, msgpack-numpy; [] for none */
  pythonCodecs?: readonly string[];
  /** Seed of the order each round measures its configurations in (recorded, so a run's order can be replayed). @default 1 */
  orderSeed?: number;
  /** Called once when the Python reference cannot run; the sweep carries on without it. */
  onPythonUnavailable?: (reason: string) => void;
  /** Folder for one Chrome trace per configuration (every measured step on every rank). */
  traceDir?: string;
  signal?: AbortSignal;
  /** Called before each configuration; `done` counts configurations finished, over all launches. */
  onProgress?: (progress: { done: number; total: number; label: string }) => void;
}

/** The stall at one TP size: measured directly where the machine has the cores, else a band from the tp=2 run. */
export interface SweepProjection {
  tp: number;
  band: StallBand;
  /** The requested TP run directly (a machine with ≥ tp + 1 cores): the check on the band. */
  direct: StallReport['direct'];
  stepTime: StepTime | null;
  low: GpuProjection | null;
  high: GpuProjection | null;
}

/** One launch's median, for the spread between launches. */
export interface LaunchSummary {
  p50: number;
  ci95: [number, number];
  n: number;
}

/** One codec × strategy × size of the sweep. */
export interface SweepRow {
  /** Who ran the scheduler and ranks: Node processes, or the seed's Python scheduler and ranks. */
  runtime: Runtime;
  /** The codec's own name (a codec module's factory decides it). */
  codec: string;
  /** The codec module's path, for codecs from outside the registry. */
  codecModule?: string;
  /** 'generated' CtxMeta steps, or the captured sequence's file. */
  sequence: string;
  strategy: StrategyName;
  transport: MeasuredTransport;
  batch: number;
  /** Context length of generated steps; 0 for a captured sequence. */
  seqLen: number;
  report: Omit<MeasuredReport, 'context'>;
  projections: SweepProjection[];
  /** Every launch's stall median in each of its blocks, in time order: the samples a run-to-run comparison uses. */
  blocks: number[];
  /**
   * The stall over the measured steps, with its 95% interval taken over the block medians where there are at least 6
   * blocks: steps in one block share the machine's state of that moment, so they are not independent samples.
   */
  stallOverBlocks: SampleSummary;
  /** (max − min) / median of those block medians: how far the machine drifted under this row during the run. */
  blockSpread: number;
  /** Each launch's stall median; one entry unless the sweep ran with repeat > 1. */
  launches: LaunchSummary[];
  /** (max − min) / median of the launches' medians; 0 for one launch. */
  launchSpread: number;
}

/** A per-rank timeline of one step, in ms from the step's start: the picture of the bubble. */
export interface Timeline {
  label: string;
  codec: string;
  strategy: StrategyName;
  seqLen: number;
  tp: number;
  oversubscribed: boolean;
  events: { rank: number; phase: 'encode' | 'send' | 'transfer' | 'decode' | 'convert' | 'derive'; startMs: number; endMs: number }[];
}

/** What a sweep returns; `complete` is false when it was interrupted. */
export interface SweepOutcome {
  rows: SweepRow[];
  /** pickle inside Python: its own table, not comparable with the broadcast rows. */
  reference: ReferenceRow[];
  timelines: Timeline[];
  /** Chrome trace files written, one per configuration and launch. */
  traces: string[];
  complete: boolean;
  /** Why the sweep stopped early when a rank process failed (its rows hold what was measured until then); absent otherwise. */
  stoppedBy?: string;
  /** The interpreter that ran the pickle reference, or why none did. */
  python: { version: string; executable: string } | { unavailable: string };
  /** The interpreter behind the Python rows and its packages' versions; null when none ran. */
  pythonRanks: PythonInfo | null;
}

function timelineOf(record: StepRecord, label: string, row: SweepRow, oversubscribed: boolean): Timeline {
  const at = (ns: number): number => (ns - record.startNs) / 1e6;
  return {
    label,
    codec: row.codec,
    strategy: row.strategy,
    seqLen: row.seqLen,
    tp: record.ranks.length + 1,
    oversubscribed,
    events: [
      { rank: 0, phase: 'encode', startMs: 0, endMs: at(record.encodedNs) },
      { rank: 0, phase: 'send', startMs: at(record.encodedNs), endMs: at(record.sentNs) },
      ...record.ranks.flatMap((k) => [
        { rank: k.rank, phase: 'transfer' as const, startMs: at(record.encodedNs), endMs: at(k.receivedNs) },
        { rank: k.rank, phase: 'decode' as const, startMs: at(k.receivedNs), endMs: at(k.decodedNs) },
        { rank: k.rank, phase: 'convert' as const, startMs: at(k.decodedNs), endMs: at(k.convertedNs) },
        { rank: k.rank, phase: 'derive' as const, startMs: at(k.convertedNs), endMs: at(k.readyNs) },
      ]),
    ],
  };
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'BroadcastAbortedError';
}

/**
 * The decode steps of one size, centred on seqLen: after warm-up the source starts again, and the measured steps with
 * each block's restart and re-warm steps take up to samples + blocks × (1 + rewarm) steps; requests start half that
 * many tokens short, so the measured steps straddle seqLen.
 */
export function sweepSource(options: Pick<SweepOptions, 'batch' | 'finishRate' | 'blockSize'>, seqLen: number, plan: SamplingPlan): StepSource {
  return generatedSource({
    batch: options.batch,
    seqLen: Math.max(1, seqLen - Math.floor((plan.samples + plan.blocks * (1 + plan.rewarmSteps)) / 2)),
    steps: stepsNeeded(plan),
    seed: 1,
    finishRate: options.finishRate,
    blockSize: options.blockSize ?? 16,
  });
}

/** One configuration of the sweep while it is being measured, block by block. */
interface Config {
  /** A built-in codec's name or a codec module's path. */
  codec: string;
  strategy: StrategyName;
  /** 0 for a captured sequence. */
  seqLen: number;
  kind: PayloadKind<unknown>;
  source: StepSource<unknown>;
  transport: MeasuredTransport;
  runtime: Runtime;
  /** Every launch's measurement of it, in launch order. */
  launches: LaunchState[];
}

/** Every codec × strategy over the captured sequence, or every seqLen × codec × strategy of generated steps. */
function configsOf(options: SweepOptions, plan: SamplingPlan): Config[] {
  const messages = options.messages;
  if (messages !== undefined) {
    const kind = messageKind(messages.dtypes, messages.batch ?? 0) as PayloadKind<unknown>;
    const source = messageSource(messages) as StepSource<unknown>;
    for (const strategy of options.strategies) {
      if (!kind.strategies.includes(strategy)) throw new OptionsError('strategies', `'${strategy}' does not apply to captured messages; use ${kind.strategies.join(' or ')}`);
    }
    return options.transports.flatMap((transport) =>
      options.codecs.flatMap((codec) => options.strategies.map((strategy) => ({ codec, strategy, seqLen: 0, kind, source, transport, runtime: 'node' as const, launches: [] }))),
    );
  }
  const kind = CTX_META_KIND as PayloadKind<unknown>;
  const sources = new Map(options.seqLens.map((seqLen) => [seqLen, sweepSource(options, seqLen, plan) as StepSource<unknown>]));
  const node = options.transports.flatMap((transport) =>
    options.seqLens.flatMap((seqLen) =>
      options.codecs.flatMap((codec) =>
        options.strategies.map((strategy) => ({ codec, strategy, seqLen, kind, source: sources.get(seqLen) as StepSource<unknown>, transport, runtime: 'node' as const, launches: [] })),
      ),
    ),
  );
  // The seed's own system: a Python scheduler and Python ranks over ZeroMQ ipc://, on generated CtxMeta steps; they speak ipc only.
  const python = options.python === null || !options.transports.includes('ipc') ? [] : (options.pythonCodecs ?? PYTHON_CODEC_NAMES).map(checkPythonCodec);
  return [
    ...node,
    ...options.seqLens.flatMap((seqLen) =>
      python.flatMap((codec) =>
        options.strategies.map((strategy) => ({ codec, strategy, seqLen, kind, source: sources.get(seqLen) as StepSource<unknown>, transport: 'ipc' as const, runtime: 'python' as const, launches: [] })),
      ),
    ),
  ];
}

/** One launch of one configuration: its run on the tp=2 ranks (and on any direct sessions) and what it measured so far. */
interface LaunchState {
  run: ActiveRun;
  direct: Map<number, ActiveRun>;
  steps: StepRecord[];
  directSteps: Map<number, StepRecord[]>;
  blockMedians: number[];
  /** How many measured steps each block took, in order: which block each of `steps` came from. */
  blockSizes: number[];
  restarts: number;
  /** Answers without the run token that arrived during this launch's own blocks (the session counts for every run at once). */
  rejectedFrames: number;
  warmup: WarmupOutcome | null;
  measuredMs: number;
  /** The transport's own figures from the same launch: small-message round trip, the empty message's stall, how it waits. */
  baseline: Baseline;
  /** Frees what the launch made itself (an in-process codec and its shared memory). */
  dispose(): void;
}

/** A session left idle this long between blocks gets a ping, well inside the ranks' 60 s idle timeout. */
export const KEEP_ALIVE_MS = 15_000;

/**
 * Keeps a group's idle sessions alive: before work on one runtime's sessions, every other runtime's that has been idle
 * for KEEP_ALIVE_MS gets a ping, between blocks and never during one, so a long round of Node blocks does not make the
 * Python ranks give up on their scheduler (or the other way round).
 */
export function keeperOf(sessions: ReadonlyMap<Runtime, Sessions | null>): { using<T>(runtime: Runtime, work: () => Promise<T>): Promise<T> } {
  const lastUsed = new Map<Runtime, number>([...sessions.keys()].map((runtime) => [runtime, Date.now()]));
  return {
    async using(runtime, work) {
      for (const [other, opened] of sessions) {
        if (other === runtime || opened === null || Date.now() - (lastUsed.get(other) ?? 0) < KEEP_ALIVE_MS) continue;
        for (const session of [opened.two, ...opened.direct.values()]) await session.pingRoundTrips(1);
        lastUsed.set(other, Date.now());
      }
      try {
        return await work();
      } finally {
        lastUsed.set(runtime, Date.now());
      }
    },
  };
}

/** The round order's seed when none is given. */
export const DEFAULT_ORDER_SEED = 1;

/** The order a round measures its configurations in: shuffled anew each round, so no row always follows the same one and inherits its garbage. */
export function roundOrder<T>(group: readonly T[], seed: number, launch: number, round: number): T[] {
  const prng = createPrng((seed ^ Math.imul(launch + 1, 0x9e3779b1) ^ Math.imul(round + 1, 0x85ebca6b)) >>> 0);
  const order = [...group];
  for (let i = order.length - 1; i > 0; i--) {
    const j = prng.nextBelow(i + 1);
    [order[i], order[j]] = [order[j] as T, order[i] as T];
  }
  return order;
}

/** "64x4096" for generated steps, the file name for a captured sequence. */
function configLabel(config: Config, options: SweepOptions): string {
  return options.messages !== undefined ? basename(options.messages.source) : `${options.batch}x${config.seqLen}`;
}

/** What a launch measures of its transport before any configuration: the harness's own cost. */
interface Baseline {
  roundTrip: SampleSummary | null;
  emptyStep: SampleSummary | null;
  emptyTransfer: number | null;
  waitPolicy: WaitPolicy | null;
  oversubscribed: boolean;
}

/** The harness's own cost on the launch's sessions; nothing in process. */
async function baselineOf(sessions: Sessions | null, plan: SamplingPlan): Promise<Baseline> {
  if (sessions === null) return { roundTrip: null, emptyStep: null, emptyTransfer: null, waitPolicy: null, oversubscribed: false };
  const session = sessions.two;
  // The Python processes run the codecs they know; their floor is left unmeasured rather than borrowed from Node's.
  const empty = session.runtime === 'node' ? (await measureEmptyStep(session, plan)).steps : null;
  return {
    roundTrip: summarizeSamples(await session.pingRoundTrips(50)),
    emptyStep: empty === null ? null : summarizeSamples(empty.map(stallOf)),
    emptyTransfer: empty === null ? null : summarizeSamples(empty.map((s) => criticalPath(s).transfer)).p50,
    waitPolicy: session.waitPolicy,
    oversubscribed: session.oversubscribed,
  };
}

/**
 * Runs every codec × strategy × seqLen on live ranks, `repeat` launches over. Each configuration warms up once, then
 * its measured steps come in `plan.blocks` blocks, round-robin over all configurations, so each row's samples span
 * the whole run rather than one second of it: on a shared machine whose speed drifts on a scale of seconds, that is
 * what makes two runs agree.
 */
export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const plan = typeof options.sampling === 'string' ? SAMPLING_PRESETS[options.sampling] : options.sampling;
  checkPlan(plan);
  checkShmRingOptionsUse(options.shmRing, options.transports);
  const repeat = options.repeat ?? 1;
  const configs = configsOf(options, plan);
  const total = configs.length * plan.blocks * repeat;
  const transports = [...new Set(configs.map((c) => c.transport))];
  const groups = [...new Set(configs.map((c) => c.transport))];
  const orderSeed = options.orderSeed ?? DEFAULT_ORDER_SEED;
  const reference: ReferenceRow[] = [];
  const traces: string[] = [];
  let python: SweepOutcome['python'] = options.python === null ? { unavailable: 'not requested' } : { unavailable: 'not run' };
  let pythonMissing = false;
  let pythonRanks: PythonInfo | null = null;
  let done = 0;
  let complete = false;
  let stoppedBy: string | undefined;
  const signal = options.signal !== undefined ? { signal: options.signal } : {};
  try {
    for (let launch = 0; launch < repeat; launch++) {
      // One transport at a time: an idle shared-memory rank still wakes to poll, and would disturb another's steps.
      // Node and Python ranks of one transport are measured in the same rounds, so drift lands on both alike.
      // Launches alternate the transports' order, so with --repeat 2 drift through the run lands on each transport alike.
      for (const transport of launch % 2 === 0 ? groups : [...groups].reverse()) {
        const sessions = new Map<Runtime, Sessions | null>();
        let group = configs.filter((c) => c.transport === transport && (c.runtime === 'node' || !pythonMissing));
        try {
          for (const runtime of [...new Set(group.map((c) => c.runtime))]) {
            try {
              const opened = transport === 'none' ? null : await openSessions(options, transport, runtime, signal);
              sessions.set(runtime, opened);
              pythonRanks = opened?.interpreter ?? pythonRanks;
            } catch (error) {
              // No Python with numpy, pyzmq and msgpack: one message, and the rest of the sweep runs.
              if (!(error instanceof PythonUnavailableError)) throw error;
              pythonMissing = true;
              python = { unavailable: error.message };
              options.onPythonUnavailable?.(error.message);
              done += group.filter((c) => c.runtime === runtime).length * plan.blocks;
            }
          }
          group = group.filter((c) => sessions.has(c.runtime));
          const keepAlive = keeperOf(sessions);
          const baselines = new Map<Runtime, Baseline>();
          for (const [runtime, opened] of sessions) baselines.set(runtime, await keepAlive.using(runtime, () => baselineOf(opened, plan)));
          for (const config of group) config.launches.push(await keepAlive.using(config.runtime, () => startLaunch(config, sessions.get(config.runtime) ?? null, options, baselines.get(config.runtime) as Baseline)));
          for (let block = 0; block < plan.blocks; block++) {
            for (const config of roundOrder(group, orderSeed, launch, block)) {
              const state = config.launches[launch];
              if (state === undefined) continue;
              if (options.signal?.aborted === true) return await finish();
              options.onProgress?.({ done, total, label: `${config.runtime === 'python' ? 'python ' : ''}${config.codec} ${config.strategy} ${configLabel(config, options)}${transports.length > 1 ? ` over ${transport}` : ''}, block ${block + 1}/${plan.blocks}${repeat > 1 ? `, launch ${launch + 1}/${repeat}` : ''}` });
              await keepAlive.using(config.runtime, () => measureBlock(state, plan));
              done++;
            }
          }
        } finally {
          for (const config of group) {
            const state = config.launches[launch];
            state?.run.suspend();
            state?.direct.forEach((run) => run.suspend());
            state?.dispose();
          }
          for (const opened of sessions.values()) await opened?.close();
        }
      }
    }
    if (options.python !== null && options.messages === undefined && !pythonMissing) {
      const result = await pickleReference(options.python, options);
      reference.push(...result.rows);
      python = result.python;
    }
    complete = true;
    return await finish();
  } catch (error) {
    if (isAbort(error)) return await finish();
    // A rank that dies (a crash, a user codec that throws, an answer past its timeout) costs the run, not what it measured.
    if (error instanceof RankFailedError) {
      stoppedBy = error.message;
      return await finish();
    }
    throw error;
  }

  async function finish(): Promise<SweepOutcome> {
    const rows: SweepRow[] = [];
    const context = collectRunContext();
    // Rows of one payload size (every codec of a strategy and seq_len) share its copy floors: timed once each.
    const copies = new Map<number, Promise<CopyFloors>>();
    const copyFloors = (bytes: number): Promise<CopyFloors> => {
      const known = copies.get(bytes) ?? timeCopyFloors(bytes);
      copies.set(bytes, known);
      return known;
    };
    for (const config of configs) {
      const measured = config.launches.filter((l) => l.steps.length > 0);
      if (measured.length === 0) continue;
      const row = await rowOf(config, measured, options, context, copyFloors);
      rows.push(row);
      if (options.traceDir !== undefined) {
        const path = join(options.traceDir, `${config.runtime}-${rows[rows.length - 1]?.codec ?? 'codec'}-${config.strategy}-${configLabel(config, options)}-${config.transport}.trace.json`);
        writeFileAtomic(path, JSON.stringify(broadcastTrace(measured.flatMap((l) => l.steps), { label: `${config.codec} ${config.strategy}`, tp: 2 })));
        traces.push(path);
      }
    }
    return { rows, reference, timelines: complete ? timelinesOf(rows.filter((r) => r.transport !== 'none')) : [], traces, complete, ...(stoppedBy === undefined ? {} : { stoppedBy }), python, pythonRanks };
  }
}

/** Starts one launch of a configuration on the launch's sessions (or in this process). */
async function startLaunch(config: Config, sessions: Sessions | null, options: SweepOptions, baseline: Baseline): Promise<LaunchState> {
  const run = { codec: config.codec, kind: config.kind, strategy: config.strategy, source: config.source, regime: options.regime ?? 'reused', verifyEvery: 10 };
  if (config.launches.length === 0) {
    // Nothing is timed for a codec that loses data: every step must come back bit for bit first.
    if (config.runtime === 'python' && sessions !== null) {
      // Python codecs live in Python: their steps go through the session's processes, each verified on every rank.
      await checkPythonRoundTrip(sessions.two, { codec: config.codec, strategy: config.strategy, source: config.source, regime: 'fresh' });
    } else {
      const gate = await config.kind.createCodec(config.codec, {});
      try {
        checkRoundTrip(config.kind, gate, config.source, config.strategy);
      } finally {
        gate.dispose?.();
      }
    }
  }
  const direct = new Map<number, ActiveRun>();
  for (const [tp, session] of sessions?.direct ?? []) direct.set(tp, await session.start(run));
  const signal = options.signal !== undefined ? { signal: options.signal } : {};
  const own = sessions === null ? await config.kind.createCodec(config.codec, {}) : null;
  return {
    run: own !== null ? startInProcess({ ...run, codec: own, ...signal }) : await (sessions as Sessions).two.start(run),
    direct,
    steps: [],
    directSteps: new Map(),
    blockMedians: [],
    blockSizes: [],
    restarts: 0,
    rejectedFrames: 0,
    warmup: null,
    measuredMs: 0,
    baseline,
    dispose: () => own?.dispose?.(),
  };
}

/** One block of one configuration: warm-up first if it has none yet, then its share of the measured steps. */
async function measureBlock(state: LaunchState, plan: SamplingPlan): Promise<void> {
  const ask = nextBlock(plan, { samples: state.steps.length, measuredMs: state.measuredMs, blocks: state.blockMedians.length });
  if (ask === null) return;
  if (state.warmup === null) {
    state.warmup = await state.run.warmUp(plan.warmup);
    // The measured steps start the sequence again, so what they carry does not depend on how long warm-up took.
    state.run.rewind();
  }
  const rejectedBefore = state.run.rejectedFrames;
  const block = await state.run.block(ask);
  state.rejectedFrames += state.run.rejectedFrames - rejectedBefore;
  state.measuredMs += block.measuredMs;
  state.steps.push(...block.steps);
  state.restarts += block.restarts;
  state.blockMedians.push(summarizeSamples(block.steps.map(stallOf)).p50);
  state.blockSizes.push(block.steps.length);
  for (const [tp, run] of state.direct) {
    if (!state.directSteps.has(tp)) {
      await run.warmUp(plan.warmup);
      run.rewind();
    }
    const directBlock = await run.block(ask);
    state.directSteps.set(tp, [...(state.directSteps.get(tp) ?? []), ...directBlock.steps]);
  }
}

export interface Sessions {
  two: RankSession;
  /** Sessions at the projected TPs this machine can hold honestly (≥ tp + 1 cores). */
  direct: Map<number, RankSession>;
  /** The Python interpreter the sessions run, for Python rows. */
  interpreter: PythonInfo | null;
  close(): Promise<void>;
}

async function openSessions(options: SweepOptions, transport: TransportName, runtime: Runtime, signal: { signal?: AbortSignal }): Promise<Sessions> {
  const opened: RankSession[] = [];
  const close = async (): Promise<void> => {
    for (const s of opened) await s.close();
  };
  const interpreter = runtime === 'python' ? await findPython(options.python === null || options.python === 'auto' ? undefined : [options.python, ...DEFAULT_PYTHONS]) : null;
  const open = (tp: number): Promise<RankSession> =>
    interpreter !== null ? openPythonSession({ tp, python: interpreter.executable, ...signal }) : openRankSession({ tp, transport, ...(options.shmRing === undefined ? {} : { shmRing: options.shmRing }), ...signal });
  try {
    const two = await open(2);
    opened.push(two);
    const direct = new Map<number, RankSession>();
    for (const tp of options.projectTp) {
      // Honest only with a core per process and one to spare; a Python session has its scheduler process too.
      if (tp > 2 && availableParallelism() >= tp + 1 + (runtime === 'python' ? 1 : 0) && !direct.has(tp)) {
        const session = await open(tp);
        opened.push(session);
        direct.set(tp, session);
      }
    }
    return { two, direct, interpreter, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The pooled median, with the interval of the block medians when there are enough blocks to give one — widened to take in
 * the pooled median where it falls outside, since the two estimate the centre of slightly different distributions.
 */
export function overBlocks(stall: SampleSummary, blockMedians: readonly number[]): SampleSummary {
  if (blockMedians.length < 6) return stall;
  const blocks = summarizeSamples(blockMedians);
  const ci95: [number, number] = [Math.min(blocks.ci95[0], stall.p50), Math.max(blocks.ci95[1], stall.p50)];
  return { ...stall, ci95, ciCoverage: blocks.ciCoverage };
}

const spreadOf = (medians: readonly number[]): number => {
  if (medians.length < 2) return 0;
  return (Math.max(...medians) - Math.min(...medians)) / summarizeSamples(medians).p50;
};

/** Pools a configuration's launches into one row: samples concatenated, each launch's median kept for the spread. */
async function rowOf(
  config: Config,
  launches: readonly LaunchState[],
  options: SweepOptions,
  context: RunContext,
  copyFloors: (payloadBytes: number) => Promise<CopyFloors>,
): Promise<SweepRow> {
  const first = launches[0] as LaunchState;
  const measurement: Measurement = {
    codec: first.run.codec,
    strategy: config.strategy,
    regime: first.run.regime,
    shmBackend: first.run.shmBackend,
    steps: launches.flatMap((l) => l.steps),
    warmup: first.warmup ?? { steps: 0, settled: false, ms: 0 },
    restarts: launches.reduce((n, l) => n + l.restarts, 0),
    rejectedFrames: launches.reduce((n, l) => n + l.rejectedFrames, 0),
  };
  const { context: _context, ...report } = await measuredReport(measurement, {
    form: first.run.form,
    transport: config.transport,
    kind: config.kind,
    source: config.source,
    ...first.baseline,
    context,
    copyFloors,
  });
  void _context;
  const launchMedians = launches.map((l) => summarizeSamples(l.steps.map(stallOf)));
  // The block of every pooled step, numbered across launches, so the band draws ranks from the spread within blocks.
  const stepBlocks = launches.flatMap((l) => l.blockSizes).flatMap((size, block) => Array<number>(size).fill(block));
  return {
    runtime: config.runtime,
    codec: first.run.codec,
    ...(isCodecModuleRef(config.codec) ? { codecModule: codecModulePath(config.codec) } : {}),
    strategy: config.strategy,
    transport: config.transport,
    batch: options.messages !== undefined ? config.source.batch : options.batch,
    seqLen: config.seqLen,
    sequence: options.messages?.source ?? 'generated',
    report,
    // A run in one process has no transport to project a fan-out from: no band.
    projections: config.transport === 'none' ? [] : options.projectTp.map((tp) => {
      const band = projectBand(bandInputsOf(report, stepBlocks), tp);
      const stepTime = stepTimeFor(tp, options.stepMs);
      const gpu = (stallMs: number): GpuProjection | null =>
        stepTime === null ? null : projectOntoGpu(stallMs, { stepMs: stepTime.stepMs, overlap: options.overlap ?? false, batch: config.source.batch, tp });
      const directSteps = launches.flatMap((l) => l.directSteps.get(tp) ?? []);
      return { tp, band, direct: directSteps.length === 0 ? null : directResult(tp, directSteps, band), stepTime, low: gpu(band.lowMs), high: gpu(band.highMs) };
    }),
    blocks: launches.flatMap((l) => l.blockMedians),
    stallOverBlocks: overBlocks(report.stall, launches.flatMap((l) => l.blockMedians)),
    blockSpread: spreadOf(first.blockMedians),
    launches: launchMedians.map((s) => ({ p50: s.p50, ci95: s.ci95, n: s.n })),
    launchSpread: spreadOf(launchMedians.map((s) => s.p50)),
  };
}

/** The pickle reference at every size, or why it could not run (said once through onPythonUnavailable). */
async function pickleReference(python: string, options: SweepOptions): Promise<{ rows: ReferenceRow[]; python: SweepOutcome['python'] }> {
  const rows: ReferenceRow[] = [];
  let found: SweepOutcome['python'] = { unavailable: 'not run' };
  try {
    for (const seqLen of options.seqLens) {
      const result = await pickleRows(python, options, seqLen);
      rows.push(...result.rows);
      found = { version: result.version, executable: result.executable };
    }
  } catch (error) {
    if (!(error instanceof PythonReferenceError)) throw error;
    options.onPythonUnavailable?.(error.message);
    return { rows: [], python: { unavailable: error.message } };
  }
  return { rows, python: found };
}

/** Both pickle forms for every strategy's wire payload at one size (the centre step), timed inside Python. */
async function pickleRows(python: string, options: SweepOptions, seqLen: number): Promise<{ rows: ReferenceRow[]; version: string; executable: string }> {
  const steps = Array.from(streamSteps({ batch: options.batch, seqLen, steps: 2, seed: 1, finishRate: options.finishRate, blockSize: options.blockSize ?? 16 }, 'full'));
  const full = steps[1];
  if (full === undefined) return { rows: [], version: 'unknown', executable: python };
  const rows: ReferenceRow[] = [];
  let version = 'unknown';
  let executable = python;
  for (const strategy of options.strategies) {
    // The second step: a delta after one step of decode, as in steady state.
    const side = createSchedulerSide(strategy);
    side.wire(steps[0] ?? full, true);
    const wire = side.wire(full, false);
    const result = await runPickleReference(wire, { python, timeMs: 80, minSamples: 10, maxSamples: 100 });
    version = result.python;
    executable = result.executable;
    for (const form of ['boxed', 'array'] as const) rows.push(pickleRow(form, result.forms[form], wire, full, strategy, seqLen));
  }
  return { rows, version, executable };
}

/** One step on every rank for the worst and best configuration at the largest size: their median steps at tp=2. */
function timelinesOf(rows: readonly SweepRow[]): Timeline[] {
  const largest = Math.max(...rows.map((r) => r.seqLen));
  const atLargest = rows.filter((r) => r.seqLen === largest).sort((a, b) => a.report.stall.p50 - b.report.stall.p50);
  const picks: [string, SweepRow | undefined][] = [
    ['worst', atLargest[atLargest.length - 1]],
    ['best', atLargest[0]],
  ];
  const out: Timeline[] = [];
  for (const [label, row] of picks) {
    if (row?.report.typicalStep != null) out.push(timelineOf(row.report.typicalStep, label, row, row.report.oversubscribed));
  }
  return out;
}

import type { ClockOffset } from '../broadcast/clock-offset.js';
import { basename } from 'node:path';
import { stepsNeeded, type SamplingPlan } from '../broadcast/sampling.js';
import type { Runtime } from '../broadcast/session.js';
import { OptionsError } from '../errors.js';
import { capturedInput } from '../kinds/captured.js';
import { CTX_META_KIND } from '../kinds/ctx-meta/kind.js';
import { generatedSource } from '../kinds/ctx-meta/source.js';
import type { StrategyName } from '../kinds/strategy.js';
import type { MessageKind, StepSource } from '../kinds/types.js';
import { checkPythonCodec, PYTHON_CODEC_NAMES, REPLAY_CODECS, SEED_PYTHON_CODECS } from '../python/codecs.js';
import type { MeasuredTransport } from '../run/report.js';
import type { StepRecord } from '../broadcast/records.js';
import type { ActiveRun, RankSession } from '../broadcast/session.js';
import type { WarmupOutcome } from '../broadcast/sampling.js';
import type { Baseline } from '../run/baseline.js';
import type { SweepOptions } from './types.js';

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
  }) as unknown as StepSource;
}

/** One configuration of the sweep while it is being measured, block by block. */
export interface Config {
  /** A built-in codec's name or a codec module's path. */
  codec: string;
  strategy: StrategyName;
  /** 0 for a captured sequence. */
  seqLen: number;
  kind: MessageKind;
  source: StepSource;
  transport: MeasuredTransport;
  /** The wait policy its ranks run (waitChoiceOf), or null for the transport's own (Python ranks, and in process, always). */
  wait: string | null;
  runtime: Runtime;
  /** Every launch's measurement of it, in launch order. */
  launches: LaunchState[];
}

/**
 * The Python rows' codecs: as asked, or the default for the input; none without a Python (--no-python) or ipc, which
 * they speak only, and none with an idle step (the Python scheduler runs its steps back to back).
 */
export function pythonCodecsOf(options: Pick<SweepOptions, 'python' | 'transports' | 'pythonCodecs' | 'replay' | 'idleMs'> & { messages?: unknown }): string[] {
  if (options.python === null || !options.transports.includes('ipc') || (options.idleMs ?? 0) > 0) return [];
  const defaults = options.replay !== undefined ? REPLAY_CODECS : options.messages !== undefined ? PYTHON_CODEC_NAMES : SEED_PYTHON_CODECS;
  return (options.pythonCodecs ?? defaults).map(checkPythonCodec);
}

/** The wait policies a transport's Node rows run: each one asked for, or its own; in process there is nothing to wait for. */
export function waitsOf(options: Pick<SweepOptions, 'wait'>, transport: MeasuredTransport): (string | null)[] {
  return transport === 'none' || options.wait === undefined ? [null] : [...options.wait];
}

/** Every codec × strategy over the captured sequence, or every seqLen × codec × strategy of generated steps, per transport and wait policy. */
export function configsOf(options: SweepOptions, plan: SamplingPlan): Config[] {
  // The Python scheduler and ranks speak ipc only; without a Python (--no-python) or ipc there are no Python rows.
  const python = pythonCodecsOf(options);
  const messages = options.messages;
  if (messages !== undefined) {
    const { kind, source } = capturedInput(messages);
    for (const strategy of options.strategies) {
      if (!kind.strategies.includes(strategy)) throw new OptionsError('strategies', `'${strategy}' does not apply to captured messages; use ${kind.strategies.join(' or ')}`);
    }
    const row = (codec: string, strategy: StrategyName, transport: MeasuredTransport, runtime: Runtime, wait: string | null = null): Config => ({ codec, strategy, seqLen: 0, kind, source, transport, wait, runtime, launches: [] });
    return [
      ...options.transports.flatMap((transport) => waitsOf(options, transport).flatMap((wait) => options.codecs.flatMap((codec) => options.strategies.map((strategy) => row(codec, strategy, transport, 'node', wait))))),
      // The same captured steps through the Python scheduler and ranks: the engine's runtime, gated like Node's.
      ...(options.replay === undefined ? python.flatMap((codec) => options.strategies.map((strategy) => row(codec, strategy, 'ipc', 'python'))) : replayRows(python, kind, source, options.replay)),
    ];
  }
  const kind = CTX_META_KIND as unknown as MessageKind;
  const sources = new Map(options.seqLens.map((seqLen) => [seqLen, sweepSource(options, seqLen, plan)]));
  const node = options.transports.flatMap((transport) =>
    waitsOf(options, transport).flatMap((wait) =>
      options.seqLens.flatMap((seqLen) =>
        options.codecs.flatMap((codec) =>
          options.strategies.map((strategy) => ({ codec, strategy, seqLen, kind, source: sources.get(seqLen) as StepSource, transport, wait, runtime: 'node' as const, launches: [] })),
        ),
      ),
    ),
  );
  // The seed's own system: a Python scheduler and Python ranks over ZeroMQ ipc://, on generated CtxMeta steps.
  return [
    ...node,
    ...options.seqLens.flatMap((seqLen) =>
      python.flatMap((codec) =>
        options.strategies.map((strategy) => ({ codec, strategy, seqLen, kind, source: sources.get(seqLen) as StepSource, transport: 'ipc' as const, wait: null, runtime: 'python' as const, launches: [] })),
      ),
    ),
  ];
}

/** The Python rows of a replay: the engine's own objects, pickled in full (they have no delta), by pickle and pickle-oob. */
function replayRows(codecs: readonly string[], kind: MessageKind, source: StepSource, replay: string): Config[] {
  const spec = kind.spec;
  if (spec.kind !== 'message') throw new OptionsError('replay', 'a replay needs captured messages (--messages FILE)');
  for (const codec of codecs) if (!REPLAY_CODECS.includes(codec)) throw new OptionsError('python-codecs', `a replay runs ${REPLAY_CODECS.join(' and ')}, not ${codec}: the engine's objects are pickled as the engine pickles them`);
  const replayed: MessageKind = { ...kind, spec: { ...spec, replay } };
  return codecs.map((codec) => ({ codec, strategy: 'full', seqLen: 0, kind: replayed, source, transport: 'ipc', wait: null, runtime: 'python', launches: [] }));
}

/** "64x4096" for generated steps, the file name for a captured sequence. */
export function configLabel(config: Config, options: SweepOptions): string {
  return options.messages !== undefined ? basename(options.messages.source) : `${options.batch}x${config.seqLen}`;
}

/** One launch of one configuration: its run on the tp=2 ranks (and on any direct sessions) and what it measured so far. */
export interface LaunchState {
  run: ActiveRun;
  direct: Map<number, ActiveRun>;
  /** The sessions the direct runs are on, by TP: over tcp each estimates its ranks' clocks before its blocks too. */
  directSessions: ReadonlyMap<number, RankSession>;
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
  /** The tp=2 session the launch runs on (null in process): asked for every process's CPU time around each block. */
  session: RankSession | null;
  /** CPU µs per step each process used over each block, by rank, in block order (every step the block ran counted). */
  cpuBlocks: Map<number, number[]>;
  /** The same CPU over the block's wall time, by rank: the cores the process kept busy (1: a core, spinning or working). */
  coreBlocks: Map<number, number[]>;
  /** tcp launches: each rank's clock offset estimate before each block, by rank. */
  clockBlocks: Map<number, ClockOffset[]>;
}

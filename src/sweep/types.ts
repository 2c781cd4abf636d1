import type { SamplingPlan, SamplingPresetName } from '../broadcast/sampling.js';
import type { AllocationRegime, TcpRunOptions } from '../broadcast/session.js';
import type { ChromeTrace } from '../broadcast/trace.js';
import type { StrategyName } from '../kinds/strategy.js';
import type { MessageSequence } from '../message/types.js';
import type { PythonInfo } from '../python/probe.js';
import type { ReferenceRow } from '../reference/reference-row.js';
import type { MeasuredTransport } from '../run/report.js';
import type { StallRow } from '../run/row.js';
import type { ShmRingOptions } from '../transport/shm-ring.js';

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
  /** Where the tcp transport listens (loopback unless asked). */
  tcp?: TcpRunOptions;
  /** A link to project tcp rows onto, "RTT,BANDWIDTH" such as "25us,100Gbps" (parseLink). */
  link?: string;
  /**
   * Wait policies to measure every Node configuration under, each in the same run (waitChoiceOf: `sleep`, `spin:N`,
   * `spin`, `adaptive`); rows record theirs. @default the transport's own policy alone
   */
  wait?: readonly string[];
  /**
   * The GPU's step, stood in for: rank 0 sleeps this long before each step, ms, and each rank waits through it under
   * its policy, so CPU per step holds what the wait costs. Python rows need 0 (their scheduler runs back to back). @default 0
   */
  idleMs?: number;
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
  /** Codecs of the Python rows, built-in or `.py` codec modules. @default pickle, pickle-oob, msgpack-numpy (with messages, msgpack too); [] for none */
  pythonCodecs?: readonly string[];
  /**
   * With messages: the file of the engine's own objects (Capture(path, replay=True) writes `<path>.replay`) that the
   * Python rows pickle in place of the messages' plain form, `full` only, with pickle and pickle-oob.
   */
  replay?: string;
  /** Folders the Python processes import from (PYTHONPATH), where a replay's engine classes live. */
  pythonPath?: readonly string[];
  /** Seed of the order each round measures its configurations in (recorded, so a run's order can be replayed). @default 1 */
  orderSeed?: number;
  /** Called once when the Python reference cannot run; the sweep carries on without it. */
  onPythonUnavailable?: (reason: string) => void;
  /** Return a Chrome trace per configuration (every measured step on every rank) in the outcome's `traces`. @default false */
  trace?: boolean;
  signal?: AbortSignal;
  /**
   * Called before each block; `done` counts blocks finished, over all launches. `work` weighs each block by the slots
   * its steps carry (blockWork), so a time left can be told from the first block on.
   */
  onProgress?: (progress: { done: number; total: number; label: string; work?: { done: number; total: number } }) => void;
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
  rows: StallRow[];
  /** pickle inside Python: its own table, not comparable with the broadcast rows. */
  reference: ReferenceRow[];
  timelines: Timeline[];
  /** One Chrome trace per configuration (its launches' steps), when asked for: a name for its file, and the trace. */
  traces: { name: string; trace: ChromeTrace }[];
  complete: boolean;
  /** Why the sweep stopped early when a rank process failed (its rows hold what was measured until then); absent otherwise. */
  stoppedBy?: string;
  /** The interpreter that ran the pickle reference, or why none did. */
  python: { version: string; executable: string } | { unavailable: string };
  /** The interpreter behind the Python rows and its packages' versions; null when none ran. */
  pythonRanks: PythonInfo | null;
}

import { isCodecName, listCodecs } from '../old/registry.js';
import { OptionsError } from '../errors.js';
import { requireInt } from '../options.js';
import { arraySource } from '../kinds/ctx-meta/source.js';
import type { CtxMeta } from '../kinds/ctx-meta/types.js';
import { summarizeSamples, type SampleSummary } from '../stats/summary.js';
import { checkStrategy } from '../kinds/ctx-meta/strategies.js';
import type { StrategyName } from '../kinds/strategy.js';
import { checkShmRingOptionsUse, type ShmRingOptions } from '../transport/shm-ring.js';
import type { TransportName } from '../transport/types.js';
import type { FaultInjection } from './faults.js';
import { PART_NAMES, partSamples, type PartName } from './parts.js';
import { fixedPlan } from './sampling.js';
import { openRankSession, type AllocationRegime, type Measurement, type StepRecord } from './session.js';

/** Options of runBroadcast. */
export interface BroadcastOptions {
  /** Registered codec name; ranks build their own instance. */
  codec: string;
  /** Ranks in all, including this process (rank 0, the scheduler). @default 2 */
  tp?: number;
  /** Measured steps. @default 20 */
  steps?: number;
  /** Unmeasured steps first. @default 3 */
  warmup?: number;
  /** Full payloads in order; for 'delta', consecutive steps of one sequence. When they run out they start again (a labelled restart, not a sample). */
  payloads: readonly CtxMeta[];
  /** What goes on the wire; each rank rebuilds its step view and that work counts in the stall. @default 'full' */
  strategy?: StrategyName;
  /** @default 'reused' */
  regime?: AllocationRegime;
  /** @default 'ipc' */
  transport?: TransportName;
  /** Geometry and wait policy of the shm-ring transport. */
  shmRing?: ShmRingOptions;
  /** Small-message round trips timed before the steps, to show transport latency alone. @default 20 */
  pings?: number;
  /** Longest wait for any rank's answer, in ms. @default 5000 */
  timeoutMs?: number;
  /** Which steps ranks check against the payload's fingerprint. @default 'all' */
  verify?: 'all' | 'sample' | 'none';
  /** Stops the run and cleans up; without it, SIGINT and SIGTERM are handled (cleanup, then the signal's usual exit). */
  signal?: AbortSignal;
  /** Called once the ranks are running: their pids and the run folder; a returned promise is awaited. */
  onStart?: (info: { pids: number[]; runDir: string }) => void | Promise<void>;
  /** Test hook: make a rank crash or hang, or resend a stale shm descriptor. */
  fault?: FaultInjection;
}

/** What a broadcast run measured. */
export interface BroadcastResult extends Omit<Measurement, 'steps'> {
  tp: number;
  cores: number;
  /** True when tp exceeds the cores: ranks share cores and stalls are inflated. */
  oversubscribed: boolean;
  transport: TransportName;
  /** Median bytes on the wire per measured step. */
  wireBytes: number;
  /** Small-message round trip rank 0 → every rank → rank 0, ms. */
  roundTrip: SampleSummary;
  /** Per step: latest rank ready − step start, ms: how late the step's first all-reduce starts. */
  stepStall: SampleSummary;
  /** The parts along each step's critical path (its slowest rank), ms; per step they add up to the stall. */
  parts: Record<PartName, SampleSummary>;
  /** Until the send call returned (the frames are queued), ms; inside transfer. */
  send: SampleSummary;
  /** Each rank's own stall (ready − step start), ms. */
  rankStall: Record<number, SampleSummary>;
  steps: StepRecord[];
}

const VERIFY_EVERY = { all: 1, sample: 10, none: 0 } as const;

function median(values: readonly number[]): number {
  return summarizeSamples(values).p50;
}

/** Summarizes a measurement's steps: the stall, its critical-path parts and each rank's own stall. */
export function summarizeMeasurement(m: Measurement, tp: number): Pick<BroadcastResult, 'stepStall' | 'parts' | 'send' | 'rankStall' | 'wireBytes'> {
  const samples = partSamples(m.steps);
  const parts = Object.fromEntries(PART_NAMES.map((name) => [name, summarizeSamples(samples[name])])) as Record<PartName, SampleSummary>;
  const rankStall: Record<number, SampleSummary> = {};
  for (let rank = 1; rank < tp; rank++) {
    rankStall[rank] = summarizeSamples(m.steps.flatMap((s) => s.ranks.filter((k) => k.rank === rank).map((k) => (k.readyNs - s.startNs) / 1e6)));
  }
  return {
    stepStall: summarizeSamples(samples.stall),
    parts,
    send: summarizeSamples(m.steps.map((s) => (s.sentNs - s.encodedNs) / 1e6)),
    rankStall,
    wireBytes: median(m.steps.map((s) => s.wireBytes)),
  };
}

/** Runs rank 0 here and ranks 1..tp-1 as child processes for one configuration, then stops them: openRankSession for one run. */
export async function runBroadcast(options: BroadcastOptions): Promise<BroadcastResult> {
  if (!isCodecName(options.codec)) throw new OptionsError('codec', `unknown codec '${String(options.codec)}'; known: ${listCodecs().join(', ')}`);
  if (options.payloads.length < 2) throw new OptionsError('payloads', 'need at least 2 payloads: they are sent in turn, and a step that starts them again is never sampled');
  const source = arraySource(options.payloads);
  const strategy = checkStrategy(options.strategy ?? 'full');
  if (strategy === 'delta' && options.payloads.some((p, i) => p.stepId !== (options.payloads[0]?.stepId ?? 0) + i)) {
    throw new OptionsError('payloads', "'delta' needs consecutive steps of one sequence (stepIds n, n+1, ...)");
  }
  const verify = options.verify ?? 'all';
  if (!Object.hasOwn(VERIFY_EVERY, verify)) throw new OptionsError('verify', 'must be all, sample or none');
  const plan = fixedPlan(requireInt('steps', options.steps ?? 20, 1, 1_000_000), requireInt('warmup', options.warmup ?? 3, 0, 1_000_000));
  const pings = requireInt('pings', options.pings ?? 20, 0, 1_000_000);
  checkShmRingOptionsUse(options.shmRing, [options.transport ?? 'ipc']);
  const session = await openRankSession({
    tp: options.tp ?? 2,
    ...(options.transport !== undefined ? { transport: options.transport } : {}),
    ...(options.shmRing !== undefined ? { shmRing: options.shmRing } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    ...(options.onStart !== undefined ? { onStart: options.onStart } : {}),
  });
  try {
    const roundTrips = await session.pingRoundTrips(pings);
    const measurement = await session.measure({
      codec: options.codec,
      strategy,
      source,
      plan,
      regime: options.regime ?? 'reused',
      verifyEvery: VERIFY_EVERY[verify],
      ...(options.fault !== undefined ? { fault: options.fault } : {}),
    });
    const { steps, ...rest } = measurement;
    return {
      ...rest,
      ...summarizeMeasurement(measurement, session.tp),
      tp: session.tp,
      cores: session.cores,
      oversubscribed: session.oversubscribed,
      transport: session.transport,
      roundTrip: summarizeSamples(roundTrips),
      steps,
    };
  } finally {
    await session.close();
  }
}

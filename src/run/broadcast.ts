import { fixedPlan } from '../broadcast/sampling.js';
import type { FaultInjection } from '../broadcast/faults.js';
import type { StepRecord } from '../broadcast/records.js';
import { openRankSession, type AllocationRegime } from '../broadcast/session.js';
import { checkCodecRef } from '../codecs/module.js';
import { OptionsError } from '../errors.js';
import { CTX_META_KIND } from '../kinds/ctx-meta/kind.js';
import { arraySource } from '../kinds/ctx-meta/source.js';
import type { CtxMeta } from '../kinds/ctx-meta/types.js';
import { checkStrategy, type StrategyName } from '../kinds/strategy.js';
import type { MessageKind, StepSource } from '../kinds/types.js';
import { requireInt } from '../options.js';
import { checkShmRingOptionsUse, type ShmRingOptions } from '../transport/shm-ring.js';
import type { TransportName } from '../transport/types.js';
import { measureBaseline } from './baseline.js';
import { gateCodec } from './gate.js';
import { allocationRegime, verifyEvery, type VerifyChoice } from './options.js';
import { measuredReport } from './report.js';
import { overBlocks, type StallRow } from './row.js';

/** Options of runBroadcast. */
export interface BroadcastOptions {
  /** A built-in codec's name or a codec module's path; ranks build their own instance. */
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
  verify?: VerifyChoice;
  /** Stops the run and cleans up; without it, SIGINT and SIGTERM are handled (cleanup, then the signal's usual exit). */
  signal?: AbortSignal;
  /** Called once the ranks are running: their pids and the run folder; a returned promise is awaited. */
  onStart?: (info: { pids: number[]; runDir: string }) => void | Promise<void>;
  /** Test hook: make a rank crash or hang, or resend a stale shm descriptor. */
  fault?: FaultInjection;
}

/** What a broadcast run measured: its row, with every measured step kept (for traces and checks of each rank). */
export interface BroadcastResult extends StallRow {
  steps: StepRecord[];
  /** Cores of this machine: with fewer than tp, ranks share cores and stalls are inflated. */
  cores: number;
}

/** Runs rank 0 here and ranks 1..tp-1 as child processes for one configuration, gated first, then stops them. */
export async function runBroadcast(options: BroadcastOptions): Promise<BroadcastResult> {
  const codec = checkCodecRef(options.codec);
  if (options.payloads.length < 2) throw new OptionsError('payloads', 'need at least 2 payloads: they are sent in turn, and a step that starts them again is never sampled');
  const source = arraySource(options.payloads) as unknown as StepSource;
  const kind = CTX_META_KIND as unknown as MessageKind;
  const strategy = checkStrategy(options.strategy ?? 'full');
  if (strategy === 'delta' && options.payloads.some((p, i) => p.stepId !== (options.payloads[0]?.stepId ?? 0) + i)) {
    throw new OptionsError('payloads', "'delta' needs consecutive steps of one sequence (stepIds n, n+1, ...)");
  }
  const verify = verifyEvery(options.verify ?? 'all');
  const regime = allocationRegime(options.regime ?? 'reused');
  const plan = fixedPlan(requireInt('steps', options.steps ?? 20, 1, 1_000_000), requireInt('warmup', options.warmup ?? 3, 0, 1_000_000));
  const pings = requireInt('pings', options.pings ?? 20, 0, 1_000_000);
  const transport = options.transport ?? 'ipc';
  checkShmRingOptionsUse(options.shmRing, [transport]);
  // Nothing is timed for a codec that loses data: every step must come back bit for bit first.
  const gated = await gateCodec(codec, kind, source, strategy);
  const session = await openRankSession({ tp: options.tp ?? 2, transport, shmRing: options.shmRing, timeoutMs: options.timeoutMs, signal: options.signal, onStart: options.onStart });
  try {
    const baseline = await measureBaseline(session, plan, pings);
    const measurement = await session.measure({ codec, kind, strategy, source, plan, regime, verifyEvery: verify, fault: options.fault });
    const report = await measuredReport(measurement, { form: gated.form, transport, kind, source, baseline, tp: session.tp });
    return {
      runtime: 'node',
      codec: gated.name,
      codecModule: gated.module,
      sequence: 'generated',
      strategy,
      transport,
      batch: source.batch,
      seqLen: 0,
      report,
      projections: [],
      blocks: [report.stall.p50],
      stallOverBlocks: overBlocks(report.stall, []),
      blockSpread: 0,
      launches: [{ p50: report.stall.p50, ci95: report.stall.ci95, n: report.stall.n }],
      launchSpread: 0,
      steps: measurement.steps,
      cores: session.cores,
    };
  } finally {
    await session.close();
  }
}

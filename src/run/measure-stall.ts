import { availableParallelism } from 'node:os';
import type { SamplingPlan, SamplingPresetName } from '../broadcast/sampling.js';
import { measureOnce, openRankSession, type AllocationRegime, type Measurement, type MeasureRun, type RankSession, type TcpRunOptions } from '../broadcast/session.js';
import { openCodec } from '../codecs/module.js';
import type { Codec } from '../codecs/types.js';
import { OptionsError } from '../errors.js';
import { collectRunContext } from '../harness/context.js';
import { checkStrategy, type StrategyName } from '../kinds/strategy.js';
import { startInProcess } from '../model/in-process.js';
import type { StepPresetName } from '../model/presets.js';
import { requireInt } from '../options.js';
import { checkShmRingOptionsUse, type ShmRingOptions } from '../transport/shm-ring.js';
import { isTcp, type TransportName } from '../transport/types.js';
import { checkWaitOptions } from '../transport/wait-choice.js';
import { linkBands, parseLink } from '../model/link.js';
import { IN_PROCESS_BASELINE, measureBaseline, type Baseline } from './baseline.js';
import { gateCodec } from './gate.js';
import { checkKindStrategy, inputOf, type MeasureInput } from './input.js';
import { allocationRegime, measuredTransport, samplingPlan, stepTimeOptions, verifyEvery, type VerifyChoice } from './options.js';
import { measuredReport, type MeasuredTransport } from './report.js';
import { overBlocks, projectionsOf, type ProcessCpu, type StallRow } from './row.js';

/** Options of measureStall. */
export interface MeasureStallOptions {
  /** TP size to project onto (ranks including the scheduler). @default 4 */
  tp?: number;
  /** GPU step time in ms for the projection. @default the preset of the TP asked for */
  stepMs?: number;
  /** Named GPU step time; `stepMs` overrides it. @default the preset measured at `tp`, if one exists */
  preset?: StepPresetName;
  /** Whether the engine overlaps scheduling with the GPU step (then only stall beyond stepMs is exposed). @default false */
  overlap?: boolean;
  /** 'ipc' (ZeroMQ) or 'shm-ring' (shared memory): broadcast to a real rank process; 'none': encode, decode and derive one after the other in this process. @default 'ipc' */
  transport?: MeasuredTransport;
  /** Geometry and wait policy of the shm-ring transport (the report records the policy that ran). */
  shmRing?: ShmRingOptions;
  /** Where the tcp transport listens (loopback unless asked). */
  tcp?: TcpRunOptions;
  /** Over tcp: a link to project the row onto, "RTT,BANDWIDTH" such as "25us,100Gbps". */
  link?: string;
  /** How every end waits, by name (waitChoiceOf: sleep, spin:N, spin, adaptive); the row records it. @default the transport's own */
  wait?: string;
  /** Rank 0's sleep before each step, ms: the GPU's step stood in for, so the row's CPU holds what waiting through it costs. @default 0 */
  idleMs?: number;
  /** What goes on the wire each step. @default 'full' */
  strategy?: StrategyName;
  /** 'reused': encode into pooled buffers recycled once every rank holds the step (what an engine does); 'fresh': new memory per message. @default 'reused' */
  regime?: AllocationRegime;
  /** How many steps to measure: a preset or a plan. @default 'full' */
  sampling?: SamplingPresetName | SamplingPlan;
  /** Which steps ranks check against the payload's fingerprint (after their clock stops). @default 'sample' (every 10th) */
  verify?: VerifyChoice;
  /** Live tp=2 ranks to measure on (a sweep keeps them across configurations); opened and closed here when absent. */
  session?: RankSession;
  /** Small-message round trips to time for the transport floor. @default 20 */
  pings?: number;
  /** Keep the measured steps in the row (`steps`), e.g. for a Chrome trace. @default false */
  keepSteps?: boolean;
  /** Stops the measurement; rank processes and shared memory are cleaned up. */
  signal?: AbortSignal;
}

/** Measures what broadcasting `payload` with `codec` stalls each TP rank per step, and projects it onto the GPUs. */
export async function measureStall(payload: MeasureInput, codec: Codec | string, options: MeasureStallOptions = {}): Promise<StallRow> {
  const tp = requireInt('tp', options.tp ?? 4, 2, 1024);
  const projection = { projectTp: [tp], ...stepTimeOptions(options.stepMs, options.preset), overlap: options.overlap ?? false };
  const transport = measuredTransport(options.transport ?? 'ipc');
  if (transport !== 'none' && typeof codec !== 'string') {
    throw new OptionsError('codec', 'ranks build their own codec: pass a built-in name or a codec module path (its default export a factory) over a transport');
  }
  const regime = allocationRegime(options.regime ?? 'reused');
  const plan = samplingPlan(options.sampling ?? 'full');
  const strategy = checkStrategy(options.strategy ?? 'full');
  const verify = verifyEvery(options.verify ?? 'sample');
  const pings = requireInt('pings', options.pings ?? 20, 0, 100_000);
  if (options.session !== undefined && options.session.tp !== 2) throw new OptionsError('session', `must have tp=2, has tp=${options.session.tp}`);
  checkShmRingOptionsUse(options.shmRing, [transport], options.session === undefined);
  if (options.link !== undefined) {
    parseLink(options.link);
    if (!isTcp(transport)) throw new OptionsError('link', 'projects a tcp row: give transport tcp or tcp-plain');
  }
  checkWaitOptions({ ...(options.wait === undefined ? {} : { wait: [options.wait] }), idleMs: options.idleMs });
  if ((options.wait !== undefined || options.idleMs !== undefined) && (options.session !== undefined || transport === 'none')) {
    throw new OptionsError('wait', options.session !== undefined ? 'a session passed in was opened with its own; give wait and idleMs to openRankSession' : 'in process nothing waits: give a transport');
  }
  const { kind, source } = inputOf(payload, plan);
  checkKindStrategy(kind, strategy);
  // Nothing is timed for a codec that loses data: every step must come back bit for bit first.
  const gated = await gateCodec(codec, kind, source, strategy);
  const context = collectRunContext();
  const run: MeasureRun = { codec: typeof codec === 'string' ? codec : codec.name, kind, strategy, source, regime, plan, verifyEvery: verify };
  let measurement: Measurement;
  let baseline: Baseline = IN_PROCESS_BASELINE;
  let cpu: Pick<ProcessCpu, 'rank' | 'usPerStep' | 'cores'>[] | undefined;
  if (transport === 'none') {
    options.signal?.throwIfAborted();
    const own = typeof codec === 'string' ? null : codec;
    const instance = own ?? (await openCodec(codec as string, { schemaCodecs: kind.schemaCodecs }));
    try {
      measurement = await measureOnce(startInProcess({ ...run, codec: instance, regime, verifyEvery: verify, signal: options.signal }), plan);
    } finally {
      if (own === null) instance.dispose?.();
    }
  } else {
    const session = options.session ?? (await openRankSession({ tp: 2, transport, shmRing: options.shmRing, tcp: options.tcp, ...waitOf(options), signal: options.signal }));
    try {
      baseline = await measureBaseline(session, plan, pings);
      const active = await session.start(run);
      try {
        // Warm-up and configuration outside the CPU window: it holds the measured block's steps, re-warm and restarts included.
        const warmup = await active.warmUp(plan.warmup);
        active.rewind();
        const before = await session.cpuTimes();
        const started = performance.now();
        const block = await active.block({ want: plan.samples, budgetMs: plan.budgetMs, minTake: plan.minSamples });
        const wallUs = (performance.now() - started) * 1000;
        const after = await session.cpuTimes();
        const ran = Math.max(1, block.steps.length + block.rewarmSteps + block.restarts);
        measurement = { codec: active.codec, strategy: active.strategy, regime: active.regime, shmBackend: active.shmBackend, steps: block.steps, warmup, restarts: block.restarts, rejectedFrames: active.rejectedFrames };
        cpu = [...after].sort(([a], [b]) => a - b).map(([rank, used]) => ({ rank, usedUs: used - (before.get(rank) ?? Number.NaN) })).map(({ rank, usedUs }) => ({ rank, usPerStep: usedUs / ran, cores: usedUs / wallUs }));
      } finally {
        active.suspend();
      }
    } finally {
      if (options.session === undefined) await session.close();
    }
  }
  const report = await measuredReport(measurement, { form: gated.form, transport, kind, source, baseline });
  const direct = transport === 'none' ? [] : await measureDirectly(tp, transport, run, options);
  const parts = report.parts;
  const cpuRows = cpu?.map(({ rank, usPerStep, cores }): ProcessCpu => {
    const workUs = 1000 * (rank === 0 ? parts.encode.p50 : parts.decode.p50 + parts.convert.p50 + parts.derive.p50);
    return { rank, usPerStep, workUs, otherUs: Math.max(0, usPerStep - workUs), cores, blocks: 1 };
  });
  return {
    runtime: 'node',
    codec: gated.name,
    codecModule: gated.module,
    sequence: 'messages' in payload && typeof payload.source === 'string' ? payload.source : 'generated',
    strategy,
    transport,
    ...(options.wait === undefined ? {} : { wait: options.wait.trim() }),
    batch: source.batch,
    seqLen: 0,
    report,
    projections: projectionsOf(report, projection, { batch: source.batch, directSteps: () => direct }),
    blocks: [report.stall.p50],
    stallOverBlocks: overBlocks(report.stall, []),
    blockSpread: 0,
    launches: [{ p50: report.stall.p50, ci95: report.stall.ci95, n: report.stall.n }],
    launchSpread: 0,
    ...(cpuRows === undefined ? {} : { cpu: cpuRows }),
    ...(options.link === undefined ? {} : { link: linkBands(report.stall.p50, report.wireBytes, [2, tp], options.link) }),
    context,
    steps: options.keepSteps === true ? measurement.steps : undefined,
  };
}

/** The session options of measureStall's wait and idle step. */
const waitOf = (options: MeasureStallOptions): { wait?: string; idleMs?: number } => ({ ...(options.wait === undefined ? {} : { wait: options.wait }), ...(options.idleMs === undefined ? {} : { idleMs: options.idleMs }) });

/** The requested TP run as real processes, when the machine has a core for every rank and one to spare. */
async function measureDirectly(tp: number, transport: TransportName, run: MeasureRun, options: MeasureStallOptions): Promise<Measurement['steps']> {
  if (tp <= 2 || availableParallelism() < tp + 1) return [];
  const session = await openRankSession({ tp, transport, shmRing: options.shmRing, tcp: options.tcp, ...waitOf(options), signal: options.signal });
  try {
    return (await session.measure(run)).steps;
  } finally {
    await session.close();
  }
}

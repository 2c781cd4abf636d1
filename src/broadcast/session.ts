import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createFramePool, FRESH_ALLOCATOR } from '../codecs/frame-pool.js';
import type { ShmBackendKind } from '../shm/region.js';
import type { Codec } from '../codecs/types.js';
import { openCodec } from '../codecs/module.js';
import { CTX_META_KIND } from '../kinds/ctx-meta/kind.js';
import { encodeWith, inFormOf } from '../kinds/form.js';
import { EMPTY_KIND, emptySource } from '../kinds/empty.js';
import type { MessageKind, StepSource } from '../kinds/types.js';
import { messageFingerprint } from '../message/fingerprint.js';
import { messageByteLength } from '../message/size.js';
import type { MessageRecord } from '../message/types.js';
import type { RankTimes, StepRecord } from './records.js';

export type { RankTimes, StepRecord } from './records.js';
import { OptionsError } from '../errors.js';
import { requireInt, requireNumber } from '../options.js';
import type { StrategyName } from '../kinds/strategy.js';
import { openSchedulerTransport } from '../transport/open.js';
import { createRunDir, type RunDir } from '../transport/run-dir.js';
import type { ShmRingOptions } from '../transport/shm-ring.js';
import { gcWindow } from '../harness/gc-time.js';
import { readCounters as counters } from '../harness/run-queue.js';
import { idleFor, type WaitPolicy } from '../transport/shm-ring-wait.js';
import { MAX_IDLE_MS, waitChoiceOf } from '../transport/wait-choice.js';
import { newRunSecret, runSecretFromEnv, SECRET_ENV, SECRET_FILE_ENV } from '../transport/run-secret.js';
import type { TcpOptions, TcpScheduler } from '../transport/tcp.js';
import { isTcp, type SchedulerTransport, type TransportAddress, type TransportName } from '../transport/types.js';
import { answerCollector, handshake, rankTimesOf } from './answers.js';
import { clockOffsetOf, type ClockOffset, type PingExchange } from './clock-offset.js';
import type { FaultInjection } from './faults.js';
import { sessionGuard, type SessionGuard } from './guard.js';
import { configurationSlot, type RunHold } from './hold.js';
import { nowNs, packControl, type Ack, type Command, type RankConfiguration } from './protocol.js';
import { spawnRanks, type Ranks, type RemoteWorld } from './ranks.js';
import { packStepHeader, tokenBytesOf, TOKEN_BYTES } from './step-header.js';
import {
  checkPlan,
  cursorOf,
  samplingDriver,
  stepsNeeded,
  type BlockOptions,
  type BlockOutcome,
  type SamplingDriver,
  type SamplingPlan,
  type StepCursor,
  type WarmupOutcome,
  type WarmupPlan,
} from './sampling.js';

/** Where a tcp run listens, and the launched world whose agents start its ranks on their hosts (else they are forked here). */
export interface TcpRunOptions extends TcpOptions {
  world?: RemoteWorld;
}

/** Options of openRankSession. */
export interface SessionOptions {
  /** Ranks in all, including this process (rank 0, the scheduler). @default 2 */
  tp?: number;
  /** How frames travel. @default 'ipc' */
  transport?: TransportName;
  /** Longest wait for any rank's answer, in ms. @default 5000 */
  timeoutMs?: number;
  /** Geometry and wait policy of the shm-ring transport. */
  shmRing?: ShmRingOptions;
  /**
   * Where the tcp transport listens (loopback unless asked). Its CurveZMQ keys come from the run's secret: the file
   * STALLBENCH_SECRET_FILE names or STALLBENCH_SECRET (hex), else a fresh one; the ranks get it in their environment.
   */
  tcp?: TcpRunOptions;
  /**
   * How every end waits for the other, by name (waitChoiceOf): `sleep`, `spin:N`, `spin`, `adaptive`. @default the
   * transport's own (ipc: block at once; shm-ring: defaultWaitPolicy)
   */
  wait?: string;
  /** The GPU's step, stood in for: rank 0 sleeps this long before each step while the ranks wait under their policy. @default 0 */
  idleMs?: number;
  /** Stops the session and cleans up; without it, SIGINT and SIGTERM are handled (cleanup, then the signal's usual exit). */
  signal?: AbortSignal;
  /** Called once the ranks are running, with their pids and the run folder; the session waits for a returned promise. */
  onStart?: (info: { pids: number[]; runDir: string }) => void | Promise<void>;
}

/** How rank 0 gets the memory it encodes into. */
export type AllocationRegime = 'reused' | 'fresh';

/** One configuration to measure on the session's ranks. */
export interface MeasureRun {
  /** A built-in codec's name or a codec module's path; ranks build their own instance. */
  codec: string;
  /** Which messages the steps carry. @default the scheduler's CtxMeta */
  kind?: MessageKind;
  /** What goes on the wire; each rank rebuilds its step view and that work counts in the stall. @default 'full' */
  strategy: StrategyName;
  /** The steps, in order; when they run out, the source restarts (a labelled restart, never a sample). */
  source: StepSource;
  /** 'reused': encode into pooled buffers, recycled once every rank holds the step; 'fresh': new memory per message. @default 'reused' */
  regime?: AllocationRegime;
  plan: SamplingPlan;
  /** Verify every n-th step's rebuilt view on every rank against its fingerprint; 0 never. @default 1 */
  verifyEvery?: number;
  /** Test hook: make a rank crash or hang, or resend a stale shm descriptor. */
  fault?: FaultInjection;
  /** Python sessions, for the correctness gate: the scheduler also decodes what it sent and names the first difference. */
  roundTrip?: boolean;
}

/** What one configuration measured. */
export interface Measurement {
  codec: string;
  strategy: StrategyName;
  /** The regime that ran: 'fresh' whenever the codec's library allocates its own output. */
  regime: AllocationRegime;
  shmBackend: ShmBackendKind | null;
  warmup: { steps: number; settled: boolean; ms: number };
  /** Restarts inside the measured phase (the source ran out); their steps are not in `steps`. */
  restarts: number;
  /** The measured steps, in order. */
  steps: StepRecord[];
  /** Answers that did not carry this run's token, or answered a step not asked. */
  rejectedFrames: number;
}

/** A configuration started on a session (or in process): warm-up and blocks of measured steps, on demand. */
export interface ActiveRun {
  /** The name the codec gives itself. */
  readonly codec: string;
  readonly strategy: StrategyName;
  /** The form the codec takes and returns. */
  readonly form: Codec['form'];
  /** The regime that runs: 'fresh' whenever the codec's library allocates its own output. */
  readonly regime: AllocationRegime;
  readonly shmBackend: ShmBackendKind | null;
  /** Answers without the run token seen since the run started. */
  readonly rejectedFrames: number;
  warmUp(plan: WarmupPlan): Promise<WarmupOutcome>;
  /** Configures the ranks for this run if another run held them (warmUp and block do it too): so it can be done before a measurement starts. */
  activate(): Promise<void>;
  block(options: BlockOptions): Promise<BlockOutcome<StepRecord>>;
  /** Starts the step source again: the next step is its first, a labelled restart. */
  rewind(): void;
  /** Frees the run's codec and buffers between blocks; its next block configures the ranks again. */
  suspend(): void;
}

/** Where a session's processes run their side of the protocol: Node rank processes, or the Python scheduler and ranks. */
export type Runtime = 'node' | 'python';

/** Live rank processes that measure one configuration after another. */
export interface RankSession {
  readonly runtime: Runtime;
  readonly tp: number;
  readonly cores: number;
  /** True when the processes outnumber the cores: stalls then include waiting for a core. */
  readonly oversubscribed: boolean;
  readonly transport: TransportName;
  /** Where its ranks reach it (null where the ranks are not stallbench's own Node processes). */
  readonly address: TransportAddress | null;
  /** How the transport's ends wait (shm-ring's spin and sleep policy); null for ZeroMQ, which blocks in the kernel. */
  readonly waitPolicy: WaitPolicy | null;
  /** Rank 0's sleep before each step, ms (the GPU's step stood in for); 0: steps back to back. */
  readonly idleMs: number;
  readonly pids: number[];
  readonly runDir: string;
  /** Small-message round trips rank 0 → every rank → rank 0, ms each: the transport's own latency. */
  pingRoundTrips(count: number): Promise<number[]>;
  /**
   * Each rank's clock against rank 0's from `count` ping exchanges (the shortest round trip's midpoint; its half the
   * uncertainty), between blocks. On one host every process reads one CLOCK_MONOTONIC, and the offset is 0 within it.
   */
  clockOffsets(count: number): Promise<ClockOffset[]>;
  /** Peers the transport refused so far (tcp: a CurveZMQ handshake without the run's secret); 0 where nothing listens on a network. */
  refusedPeers(): number;
  /**
   * The user + system CPU time each process has used so far, µs, by rank (rank 0: the scheduler — for Node ranks this
   * orchestrating process, its harness work included), from one ping: taken between blocks, it costs no step anything.
   */
  cpuTimes(): Promise<Map<number, number>>;
  /**
   * Starts a configuration without running anything: its warm-up and blocks run when asked, each configuring the
   * ranks first if another run held them, so a sweep can interleave blocks of many configurations.
   */
  start(run: Omit<MeasureRun, 'plan'>): Promise<ActiveRun>;
  /** Configures the ranks, warms up until the rolling median settles, then measures the plan's steps in one block. */
  measure(run: MeasureRun): Promise<Measurement>;
  /** Stops the ranks and removes everything the session made. */
  close(): Promise<void>;
}

const ms = (ns: number): number => ns / 1e6;

/** The regime that runs: 'reused' where the codec writes into the memory it is given or recycles its own; else 'fresh'. */
export function regimeFor(codec: Codec, wanted: AllocationRegime): AllocationRegime {
  if (codec.ownsBuffers === true) return 'reused';
  return wanted === 'reused' && codec.allocation === 'caller' ? 'reused' : 'fresh';
}

/** Which shared-memory backend a codec uses, for codecs that have one. */
export function shmBackendOf(codec: Codec): ShmBackendKind | null {
  return codec.backend ?? null;
}

/** Starts ranks 1..tp-1 as child processes and completes the handshake; measure() then reuses them. */
export async function openRankSession(options: SessionOptions = {}): Promise<RankSession> {
  const tp = requireInt('tp', options.tp ?? 2, 2, 64);
  const transportName = options.transport ?? 'ipc';
  // A launched world's agents start tcp ranks on their own hosts; every other rank is forked here.
  const world = isTcp(transportName) ? options.tcp?.world : undefined;
  if (world !== undefined && tp > world.size) throw new OptionsError('tp', `${tp} needs more ranks than the launched world's ${world.size}`);
  const starter = world?.starter ?? spawnRanks;
  const timeoutMs = requireInt('timeoutMs', options.timeoutMs ?? 5000, 10, 600_000);
  const wait = options.wait === undefined ? undefined : waitChoiceOf(options.wait);
  const idleMs = requireNumber('idleMs', options.idleMs ?? 0, 0, MAX_IDLE_MS);
  const token = randomBytes(TOKEN_BYTES).toString('hex');
  const tokenBytes = tokenBytesOf(token);
  // Only tcp listens where another host could reach it, so only tcp needs the secret.
  const secret = isTcp(transportName) ? (runSecretFromEnv() ?? newRunSecret()) : null;
  const dir: RunDir = createRunDir();
  let transport: SchedulerTransport | null = null;
  let ranks: Ranks | null = null;
  let configId = 0;
  // The codec of the configuration in flight: a signal ends the process before measure's finally runs, so teardown disposes it.
  let active: Codec | null = null;
  const guard = sessionGuard(options.signal, () => {
    ranks?.killAll();
    transport?.close();
    active?.dispose?.();
    active = null;
    dir.remove();
  });
  const answers = answerCollector({
    receive: (ms) => (transport === null ? Promise.reject(new Error('transport closed')) : transport.receive(ms)),
    token,
    ranks: Array.from({ length: tp - 1 }, (_, i) => i + 1),
    timeoutMs,
    race: guard.race,
  });
  const collect = (kind: Ack['kind'], config: number, step: number): Promise<Map<number, Ack>> => answers.collect(kind, config, step);
  const send = (command: Command | Uint8Array, frames: readonly Uint8Array[] = []): Promise<void> => {
    if (transport === null) throw new Error('transport closed');
    return guard.race(transport.send([command instanceof Uint8Array ? command : packControl(command), ...frames]));
  };

  // Any failure on the way up tears down what was made so far.
  const { started: live, address } = await guard.run(async () => {
    transport = await openSchedulerTransport(transportName, dir, timeoutMs, { ranks: tp - 1, shmRing: options.shmRing, wait, tcp: options.tcp, ...(secret === null ? {} : { secret }) });
    const { address } = transport;
    // Raced with an interruption: a launched world's starter may be waiting for its ranks to join.
    const started = await guard.race(Promise.resolve(starter(Array.from({ length: tp - 1 }, (_, i) => ({ rank: i + 1, token, address, idleTimeoutMs: Math.max(60_000, 4 * timeoutMs) })), rankEnv(secret))));
    ranks = started;
    guard.watch(started.failed);
    await options.onStart?.({ pids: started.pids, runDir: dir.path });
    await handshake(answers, (step) => send({ kind: 'ping', token, step }), timeoutMs);
    return { started, address };
  });

  const pingRoundTrips = async (count: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = nowNs();
      await send({ kind: 'ping', token, step: i });
      await collect('ping', 0, i);
      out.push(ms(nowNs() - t0));
    }
    return out;
  };

  // Each rank's clock minus rank 0's, ns, from the newest clockOffsets(): 0 until one is taken (one host, one clock).
  const offsets = new Map<number, number>();
  const clockOffsets = async (count: number): Promise<ClockOffset[]> => {
    const byRank = new Map<number, PingExchange[]>();
    for (let i = 0; i < count; i++) {
      const step = CLOCK_PING_STEP - i;
      const sentNs = nowNs();
      await send({ kind: 'ping', token, step });
      const acks = await collect('ping', 0, step);
      const answeredNs = nowNs();
      for (const [rank, ack] of acks) byRank.set(rank, [...(byRank.get(rank) ?? []), { sentNs, rankNs: ack.receivedNs, answeredNs }]);
    }
    const estimates = [...byRank].sort(([a], [b]) => a - b).map(([rank, exchanges]) => clockOffsetOf(rank, exchanges));
    // Every later step's rank stamps are put on rank 0's clock with the newest estimate.
    for (const estimate of estimates) offsets.set(estimate.rank, estimate.offsetNs);
    return estimates;
  };

  const slot = configurationSlot();
  const gc = gcWindow();
  // When the last step's answers were all in: an idle step is counted from there.
  let lastAnswered = performance.now();

  const start = async (run: Omit<MeasureRun, 'plan'>): Promise<ActiveRun> => {
    const verifyEvery = requireInt('verifyEvery', run.verifyEvery ?? 1, 0, 1_000_000);
    const kind = run.kind ?? (CTX_META_KIND as unknown as MessageKind);
    const cursor = cursorOf(run.source);
    const scheduler = kind.schedulerSide(run.strategy);
    const fault = run.fault;
    const recent: Uint8Array[][] = [];
    const rejectedAtStart = answers.rejected;
    // Made here once to learn what the codec is; each activation makes its own, which suspend() disposes.
    const codecOptions = { ...(kind.schemaCodecs === undefined ? {} : { schemaCodecs: kind.schemaCodecs }), shmRing: { readers: tp - 1 } };
    const probe = await openCodec(run.codec, codecOptions);
    const info = { codec: probe.name, strategy: run.strategy, form: probe.form, regime: regimeFor(probe, run.regime ?? 'reused'), shmBackend: shmBackendOf(probe) };
    const regime = info.regime;
    probe.dispose?.();
    let stepIndex = 0;
    const hold = slot.hold(
      async () => {
        const id = ++configId;
        const codec = await openCodec(run.codec, codecOptions);
        active = codec;
        const config: RankConfiguration = { id, kind: kind.spec, codec: run.codec, strategy: run.strategy, readers: tp - 1, fault: fault ?? null };
        await send({ kind: 'configure', token, config });
        await collect('configured', id, -1);
        // The ranks start this configuration with no strategy state: the next step starts a sequence.
        cursor.restartHere();
        return { id, codec, pool: createFramePool() };
      },
      (made) => {
        made.codec.dispose?.();
        if (active === made.codec) active = null;
      },
    );

    /** Runs one step on every rank and returns its record. */
    const runStep = async ({ payload, restart }: { payload: MessageRecord; restart: boolean }): Promise<StepRecord> => {
      if (hold.current === null) throw new Error('run is not active');
      const { id, codec, pool } = hold.current;
      const step = stepIndex++;
      live.setStep(step);
      // The strategy's bookkeeping, the codec's input form and the check are the scheduler's or the test's work, not the stall.
      const wire = scheduler.wire(payload, restart);
      const input = inFormOf(kind, codec, wire);
      const verify = verifyEvery > 0 && step % verifyEvery === 0;
      const header = packStepHeader(tokenBytes, id, step, restart, verify ? messageFingerprint(kind.view(payload)) : '');
      // Where the transport has send memory of its own (a shared-memory slot), the codec writes there: no copy.
      const lease = regime === 'reused' ? (transport?.lease?.() ?? pool.lease()) : null;
      // The GPU's step, counted from the last answer of the step before, so the harness's preparation is inside it and
      // the ranks' gap is idleMs (or the preparation, if longer): they wait through it as their policy says.
      if (idleMs > 0) await guard.race(idleFor(idleMs - (performance.now() - lastAnswered)));
      // The GC window opens here and closes once every rank has answered: both outside the timed parts.
      gc.take();
      const before = counters();
      const startNs = nowNs();
      let frames = encodeWith(codec, input, lease ?? FRESH_ALLOCATOR);
      const encodedNs = nowNs();
      if (fault?.kind === 'stale-descriptor') {
        // Copies kept for the fault only: pooled buffers are reused, and the fault needs the old bytes.
        recent.push(frames.map((f) => Uint8Array.from(f)));
        if (recent.length > 5) recent.shift();
        if (fault.step === step && recent[0] !== undefined) frames = recent[0];
      }
      await send(header, frames);
      const sentNs = nowNs();
      const acks = await collect('step', id, step);
      lastAnswered = performance.now();
      const after = counters();
      const gcMs = gc.take();
      // Every rank holds the step: its buffers may be reused.
      lease?.release();
      return {
        step,
        restart,
        startNs,
        encodedNs,
        sentNs,
        frames: frames.length,
        wireBytes: frames.reduce((sum, f) => sum + f.byteLength, 0),
        payloadBytes: messageByteLength(wire),
        pageFaults: after.faults - before.faults,
        involuntary: after.involuntary - before.involuntary,
        gcMs,
        runQueueUs: after.runQueueUs - before.runQueueUs,
        ranks: rankTimesOf(acks).map((times) => onSchedulerClock(times, offsets.get(times.rank) ?? 0)),
      };
    };
    return activeRunOf({ ...info, hold, cursor, driver: samplingDriver(cursor, runStep, stallOf, faultsOfStep), rejected: () => answers.rejected - rejectedAtStart, guard });
  };

  return rankSessionOf({
    runtime: 'node',
    tp,
    transport: transportName,
    waitPolicy: address.wait ?? null,
    address,
    idleMs,
    clockOffsets,
    refusedPeers: () => (transport !== null && 'refusedPeers' in transport ? (transport as TcpScheduler).refusedPeers() : 0),
    ranks: live,
    runDir: dir.path,
    guard,
    pingRoundTrips,
    cpuTimes: async () => {
      await send({ kind: 'ping', token, step: CPU_PING_STEP });
      const acks = await collect('ping', 0, CPU_PING_STEP);
      const own = process.cpuUsage();
      return new Map([[0, own.user + own.system], ...[...acks].map(([rank, ack]) => [rank, ack.cpuUs ?? Number.NaN] as [number, number])]);
    },
    start,
    stop: () => send({ kind: 'stop', token }),
  });
}

/** A rank's stamps moved onto rank 0's clock: its estimated offset taken off each. */
export function onSchedulerClock(times: RankTimes, offsetNs: number): RankTimes {
  if (offsetNs === 0) return times;
  return { ...times, receivedNs: times.receivedNs - offsetNs, decodedNs: times.decodedNs - offsetNs, convertedNs: times.convertedNs - offsetNs, readyNs: times.readyNs - offsetNs };
}

/** The ranks' environment: this process's, with the run's secret where there is one (in hex, as STALLBENCH_SECRET). */
function rankEnv(secret: Uint8Array | null): NodeJS.ProcessEnv {
  if (secret === null) return process.env;
  // The file's name is dropped: the ranks read the one secret in use, whatever its source.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== SECRET_FILE_ENV));
  return { ...env, [SECRET_ENV]: Buffer.from(secret).toString('hex') };
}

/** The step number of the ping that asks for CPU times, apart from the round-trip pings' 0, 1, 2, … */
export const CPU_PING_STEP = -2;

/** The first step number of the clock pings, which count down from it: apart from every other ping's. */
export const CLOCK_PING_STEP = -16;

/** The parts of an ActiveRun: what it runs, the ranks' configuration it holds, and the driver of its steps. */
export interface ActiveRunParts extends Pick<ActiveRun, 'codec' | 'strategy' | 'form' | 'regime' | 'shmBackend'> {
  hold: RunHold<unknown>;
  cursor: StepCursor<MessageRecord>;
  driver: SamplingDriver<StepRecord>;
  /** Answers without the run token since the run started. */
  rejected(): number;
  guard: SessionGuard;
}

/** Assembles a run whose warm-up and blocks first make sure the ranks hold its configuration; any failure ends the session. */
export function activeRunOf(parts: ActiveRunParts): ActiveRun {
  const { hold, cursor, driver, guard } = parts;
  return {
    // Read when asked: a Python codec module's own name is known only once a process has built it.
    get codec() {
      return parts.codec;
    },
    strategy: parts.strategy,
    form: parts.form,
    regime: parts.regime,
    shmBackend: parts.shmBackend,
    get rejectedFrames() {
      return parts.rejected();
    },
    warmUp: (plan) => guard.run(async () => (await hold.activate(), driver.warmUp(plan))),
    activate: () => guard.run(async () => void (await hold.activate())),
    block: (options) => guard.run(async () => (await hold.activate(), driver.block(options))),
    rewind: () => cursor.rewind(),
    suspend: () => hold.suspend(),
  };
}

/** The parts of a RankSession: its live processes and guard, and how it pings, starts runs and asks its ranks to stop. */
export interface RankSessionParts extends Pick<RankSession, 'runtime' | 'tp' | 'transport' | 'waitPolicy' | 'idleMs' | 'runDir' | 'start'>, Partial<Pick<RankSession, 'refusedPeers' | 'address' | 'clockOffsets'>> {
  ranks: Ranks;
  guard: SessionGuard;
  pingRoundTrips(count: number): Promise<number[]>;
  /** Sends the ranks the stop command. */
  stop(): Promise<void>;
  cpuTimes(): Promise<Map<number, number>>;
}

/** Assembles a session: calls run under its guard, and close stops the ranks (killing any that linger) and removes what it made. */
export function rankSessionOf(parts: RankSessionParts): RankSession {
  const { guard, ranks } = parts;
  const cores = availableParallelism();
  return {
    runtime: parts.runtime,
    tp: parts.tp,
    cores,
    // A Python session runs its scheduler in a process of its own beside this orchestrating one, which wakes on every answer.
    oversubscribed: parts.tp + (parts.runtime === 'python' ? 1 : 0) > cores,
    transport: parts.transport,
    waitPolicy: parts.waitPolicy,
    idleMs: parts.idleMs,
    refusedPeers: parts.refusedPeers ?? ((): number => 0),
    address: parts.address ?? null,
    clockOffsets: (count) => guard.run(() => (parts.clockOffsets === undefined ? Promise.resolve([]) : parts.clockOffsets(count))),
    pids: ranks.pids,
    runDir: parts.runDir,
    pingRoundTrips: (count) => guard.run(() => parts.pingRoundTrips(count)),
    cpuTimes: () => guard.run(() => parts.cpuTimes()),
    start: parts.start,
    measure: async (run) => measureOnce(await parts.start(run), checkPlan(run.plan)),
    close: async () => {
      try {
        if (!guard.closed) {
          await parts.stop();
          await ranks.stop(2000);
        }
      } finally {
        guard.end();
      }
    },
  };
}

/** Warms a started run up, then measures one block from the source's first step, and frees the run. */
export async function measureOnce(run: ActiveRun, plan: SamplingPlan): Promise<Measurement> {
  try {
    const warmup = await run.warmUp(plan.warmup);
    run.rewind();
    const block = await run.block({ want: plan.samples, budgetMs: plan.budgetMs, minTake: plan.minSamples });
    return {
      codec: run.codec,
      strategy: run.strategy,
      regime: run.regime,
      shmBackend: run.shmBackend,
      steps: block.steps,
      warmup,
      restarts: block.restarts,
      rejectedFrames: run.rejectedFrames,
    };
  } finally {
    run.suspend();
  }
}

/** Minor page faults of a step on the scheduler and its most faulting rank. */
export function faultsOfStep(record: StepRecord): number {
  return record.pageFaults + Math.max(0, ...record.ranks.map((k) => k.pageFaults));
}

/** Step stall of a record: latest rank ready − step start, ms. */
export function stallOf(record: StepRecord): number {
  return ms(Math.max(...record.ranks.map((k) => k.readyNs)) - record.startNs);
}

/** The harness's own cost on a session's transport: `plan`'s steps of the empty message, every one verified. */
export async function measureEmptyStep(session: RankSession, plan: SamplingPlan): Promise<Measurement> {
  return session.measure({ codec: 'empty', kind: EMPTY_KIND, strategy: 'full', source: emptySource(stepsNeeded(plan)), plan, verifyEvery: 1 });
}

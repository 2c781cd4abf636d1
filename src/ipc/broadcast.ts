import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Publisher, Pull } from 'zeromq';
import { encodeWith, inFormOf } from '../codecs/form.js';
import { createCodec, isCodecName, listCodecs, type CodecName } from '../codecs/registry.js';
import { createShmCodec } from '../codecs/shm.js';
import type { ShmBackendKind } from '../codecs/shm-region.js';
import type { Codec } from '../codecs/types.js';
import { OptionsError } from '../errors.js';
import { requireInt } from '../options.js';
import type { LatencyStats } from '../harness/measure.js';
import { summarize } from '../harness/stats.js';
import { fingerprint } from '../payload/fingerprint.js';
import type { CtxMeta } from '../payload/types.js';
import { validateCtxMeta } from '../payload/validate.js';
import { BroadcastAbortedError, RankFailedError } from './errors.js';
import type { FaultInjection } from './faults.js';
import { nowNs, packControl, unpackControl, type Ack, type StepHeader } from './protocol.js';
import { spawnRanks, type Ranks } from './ranks.js';
import { createRunDir, type RunDir } from './run-dir.js';
import { checkStrategy, stepView, wirePayloads } from '../strategies/strategies.js';
import type { StrategyName } from '../strategies/types.js';
import { broadcastTrace } from './trace.js';
import { writeFileAtomic } from '../report/write-atomic.js';

/** Options of runBroadcast. */
export interface BroadcastOptions {
  /** Registered codec name; ranks build their own instance. */
  codec: CodecName;
  /** Ranks in all, including this process (rank 0, the scheduler). @default 2 */
  tp?: number;
  /** Measured steps. @default 20 */
  steps?: number;
  /** Unmeasured steps first. @default 3 */
  warmup?: number;
  /** Full payloads sent in turn, one per step; for 'delta', consecutive steps of one sequence (generateStepSequence). */
  payloads: readonly CtxMeta[];
  /** What goes on the wire; each rank rebuilds its step view and that work counts in the stall. @default 'full' */
  strategy?: StrategyName;
  /** Small-message round trips timed before the steps, to show transport latency alone. @default 20 */
  pings?: number;
  /** Longest wait for any rank's answer, in ms. @default 5000 */
  timeoutMs?: number;
  /** Which steps ranks check against the payload's fingerprint. @default 'all' */
  verify?: 'all' | 'sample' | 'none';
  /** Stops the run and cleans up; without it, SIGINT and SIGTERM are handled (cleanup, then the signal's usual exit). */
  signal?: AbortSignal;
  /** Called once the ranks are running: their pids and the run folder (for tests and tracing tools). */
  onStart?: (info: { pids: number[]; runDir: string }) => void;
  /** Writes the per-rank timeline to this file in Chrome Trace Event format (open it in Perfetto). */
  trace?: string;
  /** Test hook: make a rank crash or hang, or resend a stale shm descriptor. */
  fault?: FaultInjection;
}

/** Timestamps of one rank in one step (CLOCK_MONOTONIC ns). */
export interface RankTimes {
  rank: number;
  receivedNs: number;
  decodedNs: number;
  readyNs: number;
  verified: boolean | null;
}

/** One measured step: rank 0's timestamps and every other rank's. */
export interface StepRecord {
  step: number;
  startNs: number;
  encodedNs: number;
  sentNs: number;
  ranks: RankTimes[];
}

/** What a broadcast run measured. */
export interface BroadcastResult {
  codec: CodecName;
  strategy: StrategyName;
  /** Shared-memory backend, for the shm codec. */
  shmBackend: ShmBackendKind | null;
  tp: number;
  cores: number;
  /** True when tp exceeds the cores: ranks share cores and stalls are inflated. */
  oversubscribed: boolean;
  wireBytes: number;
  /** Small-message round trip rank 0 → every rank → rank 0, ms. */
  roundTrip: LatencyStats;
  /** Per step: max over ranks of ready − step start, ms: how late the step's first all-reduce starts. */
  stepStall: LatencyStats;
  encode: LatencyStats;
  /** Until the send call returns (the frames are queued), ms. */
  send: LatencyStats;
  /** Encode done → received, per rank per step, ms. */
  transfer: LatencyStats;
  /** Received → decoded, per rank per step, ms. */
  decode: LatencyStats;
  /** The strategy's rank-side work (slots derived, delta applied), per rank per step, ms. */
  derive: LatencyStats;
  /** Per rank: ready − step start, ms. */
  rankStall: Record<number, LatencyStats>;
  steps: StepRecord[];
  /** Control frames that did not carry this run's token, or answered a step not asked. */
  rejectedFrames: number;
}

const ms = (ns: number): number => ns / 1e6;

interface Resolved {
  codec: CodecName;
  strategy: StrategyName;
  tp: number;
  steps: number;
  warmup: number;
  pings: number;
  timeoutMs: number;
  verifyEvery: number;
}

function resolve(options: BroadcastOptions): Resolved {
  if (!isCodecName(options.codec)) throw new OptionsError('codec', `unknown codec '${String(options.codec)}'; known: ${listCodecs().join(', ')}`);
  if (options.payloads.length === 0) throw new OptionsError('payloads', 'need at least one payload');
  options.payloads.forEach((p) => validateCtxMeta(p));
  const strategy = checkStrategy(options.strategy ?? 'full');
  if (strategy === 'delta' && options.payloads.some((p, i) => p.stepId !== (options.payloads[0]?.stepId ?? 0) + i)) {
    throw new OptionsError('payloads', "'delta' needs consecutive steps of one sequence (stepIds n, n+1, ...)");
  }
  const verify = options.verify ?? 'all';
  if (!['all', 'sample', 'none'].includes(verify)) throw new OptionsError('verify', 'must be all, sample or none');
  return {
    codec: options.codec,
    strategy,
    tp: requireInt('tp', options.tp ?? 2, 2, 64),
    steps: requireInt('steps', options.steps ?? 20, 1, 1_000_000),
    warmup: requireInt('warmup', options.warmup ?? 3, 0, 1_000_000),
    pings: requireInt('pings', options.pings ?? 20, 0, 1_000_000),
    timeoutMs: requireInt('timeoutMs', options.timeoutMs ?? 5000, 10, 600_000),
    verifyEvery: verify === 'all' ? 1 : verify === 'sample' ? 10 : 0,
  };
}

/** Everything a run starts, so that one function can take it all down on any path out. */
interface Run {
  token: string;
  dir: RunDir;
  publisher: Publisher;
  acks: Pull;
  codec: Codec;
  ranks: Ranks | null;
  rejected: number;
}

function tearDown(run: Run): void {
  run.ranks?.killAll();
  run.publisher.close();
  run.acks.close();
  run.codec.dispose?.();
  run.dir.remove();
}

/** Waits for one ack of `kind` for `step` from every rank; drops foreign or out-of-step frames. */
async function collectAcks(run: Run, ranks: Ranks, tp: number, kind: Ack['kind'], step: number, interrupt: Promise<never>): Promise<Map<number, Ack>> {
  const got = new Map<number, Ack>();
  while (got.size < tp - 1) {
    let frames: Buffer[];
    try {
      frames = await Promise.race([run.acks.receive(), ranks.failed, interrupt]);
    } catch (error) {
      if (error instanceof RankFailedError || error instanceof BroadcastAbortedError) throw error;
      const missing = Array.from({ length: tp - 1 }, (_, i) => i + 1).find((r) => !got.has(r)) ?? 1;
      throw new RankFailedError(missing, step, `no ${kind} answer within the timeout (hung?)`);
    }
    const ack = unpackControl(frames[0]) as Ack | null;
    if (ack === null || ack.token !== run.token) {
      run.rejected++;
      continue;
    }
    if (ack.kind !== kind || ack.step !== step) continue;
    if (ack.kind === 'step' && ack.error !== null) throw new RankFailedError(ack.rank, step, `decode failed: ${ack.error}`);
    if (ack.verified === false) throw new RankFailedError(ack.rank, step, 'decoded payload differs from the one sent');
    got.set(ack.rank, ack);
  }
  return got;
}

function interruption(signal: AbortSignal | undefined, onSignal: (name: string) => void): { promise: Promise<never>; dispose(): void } {
  let reject: (error: BroadcastAbortedError) => void = () => undefined;
  const promise = new Promise<never>((_, r) => {
    reject = r;
  });
  promise.catch(() => undefined);
  if (signal !== undefined) {
    const onAbort = (): void => reject(new BroadcastAbortedError(String(signal.reason ?? 'aborted')));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
  }
  // No AbortSignal: this library owns SIGINT/SIGTERM for the run, cleans up, then lets the signal end the process.
  const handler = (name: NodeJS.Signals): void => {
    onSignal(name);
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
    process.kill(process.pid, name);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    promise,
    dispose: () => {
      process.removeListener('SIGINT', handler);
      process.removeListener('SIGTERM', handler);
    },
  };
}

/** Runs rank 0 here and ranks 1..tp-1 as child processes; broadcasts each step over ZeroMQ ipc:// and times every rank. */
export async function runBroadcast(options: BroadcastOptions): Promise<BroadcastResult> {
  const config = resolve(options);
  const { tp, timeoutMs } = config;
  const token = randomBytes(16).toString('hex');
  const codec = config.codec === 'shm' ? createShmCodec({ readers: tp - 1 }) : createCodec(config.codec);
  const run: Run = {
    token,
    dir: createRunDir(),
    publisher: new Publisher({ linger: 0, sendTimeout: timeoutMs }),
    acks: new Pull({ linger: 0, receiveTimeout: timeoutMs }),
    codec,
    ranks: null,
    rejected: 0,
  };
  const interrupt = interruption(options.signal, () => tearDown(run));
  try {
    await run.publisher.bind(run.dir.stepsEndpoint);
    await run.acks.bind(run.dir.acksEndpoint);
    const ranks = spawnRanks(
      Array.from({ length: tp - 1 }, (_, i) => ({
        rank: i + 1,
        token,
        codec: config.codec,
        stepsEndpoint: run.dir.stepsEndpoint,
        acksEndpoint: run.dir.acksEndpoint,
        idleTimeoutMs: Math.max(30_000, 4 * timeoutMs),
        strategy: config.strategy,
        fault: options.fault ?? null,
      })),
    );
    run.ranks = ranks;
    options.onStart?.({ pids: ranks.pids, runDir: run.dir.path });
    const send = (header: StepHeader, frames: readonly Uint8Array[] = []): Promise<void> =>
      Promise.race([run.publisher.send([packControl(header), ...frames]), ranks.failed, interrupt.promise]);

    await collectAcks(run, ranks, tp, 'hello', -1, interrupt.promise);
    // PUB/SUB drops messages sent before a subscriber has joined: ping until every rank answers one.
    for (let attempt = 0; ; attempt++) {
      await send({ kind: 'ping', token, step: -2 - attempt, check: '' });
      run.acks.receiveTimeout = 100;
      try {
        await collectAcks(run, ranks, tp, 'ping', -2 - attempt, interrupt.promise);
        break;
      } catch (error) {
        if (!(error instanceof RankFailedError) || error.reason.startsWith('exited') || attempt * 100 > timeoutMs) throw error;
      } finally {
        run.acks.receiveTimeout = timeoutMs;
      }
    }
    const roundTrips: number[] = [];
    for (let i = 0; i < config.pings; i++) {
      const t0 = nowNs();
      await send({ kind: 'ping', token, step: i, check: '' });
      await collectAcks(run, ranks, tp, 'ping', i, interrupt.promise);
      roundTrips.push(ms(nowNs() - t0));
    }

    // Wire payloads and the views ranks must rebuild are computed before any timing.
    const inputs = wirePayloads(config.strategy, options.payloads).map((p) => inFormOf(codec, p));
    const checks = options.payloads.map((p) => fingerprint(stepView(p)));
    const recent: (readonly Uint8Array[])[] = [];
    const records: StepRecord[] = [];
    let wireBytes = 0;
    for (let step = 0; step < config.warmup + config.steps; step++) {
      ranks.setStep(step);
      const which = step % inputs.length;
      const verify = config.verifyEvery > 0 && step % config.verifyEvery === 0;
      const startNs = nowNs();
      let frames = encodeWith(codec, inputs[which] ?? options.payloads[0] as CtxMeta);
      const encodedNs = nowNs();
      recent.push(frames);
      if (recent.length > 5) recent.shift();
      if (options.fault?.kind === 'stale-descriptor' && options.fault.step === step && recent[0] !== undefined) frames = recent[0];
      await send({ kind: 'step', token, step, check: verify ? (checks[which] ?? '') : '' }, frames);
      const sentNs = nowNs();
      const got = await collectAcks(run, ranks, tp, 'step', step, interrupt.promise);
      wireBytes = frames.reduce((sum, f) => sum + f.byteLength, 0);
      if (step < config.warmup) continue;
      records.push({
        step,
        startNs,
        encodedNs,
        sentNs,
        ranks: [...got.values()]
          .sort((a, b) => a.rank - b.rank)
          .map((a) => ({ rank: a.rank, receivedNs: a.receivedNs, decodedNs: a.decodedNs, readyNs: a.readyNs, verified: a.verified })),
      });
    }
    await send({ kind: 'stop', token, step: -1, check: '' });
    await ranks.stop(2000);
    const cores = availableParallelism();
    const perRank = records.flatMap((r) => r.ranks.map((k) => ({ record: r, rank: k })));
    const rankStall: Record<number, LatencyStats> = {};
    for (let rank = 1; rank < tp; rank++) {
      rankStall[rank] = summarize(perRank.filter((x) => x.rank.rank === rank).map((x) => ms(x.rank.readyNs - x.record.startNs)));
    }
    const result: BroadcastResult = {
      codec: config.codec,
      strategy: config.strategy,
      shmBackend: 'backend' in codec ? (codec.backend as ShmBackendKind) : null,
      tp,
      cores,
      oversubscribed: tp > cores,
      wireBytes,
      roundTrip: summarize(roundTrips),
      stepStall: summarize(records.map((r) => ms(Math.max(...r.ranks.map((k) => k.readyNs)) - r.startNs))),
      encode: summarize(records.map((r) => ms(r.encodedNs - r.startNs))),
      send: summarize(records.map((r) => ms(r.sentNs - r.encodedNs))),
      transfer: summarize(perRank.map((x) => ms(x.rank.receivedNs - x.record.encodedNs))),
      decode: summarize(perRank.map((x) => ms(x.rank.decodedNs - x.rank.receivedNs))),
      derive: summarize(perRank.map((x) => ms(x.rank.readyNs - x.rank.decodedNs))),
      rankStall,
      steps: records,
      rejectedFrames: run.rejected,
    };
    if (options.trace !== undefined) writeFileAtomic(options.trace, JSON.stringify(broadcastTrace(result)));
    return result;
  } finally {
    interrupt.dispose();
    tearDown(run);
  }
}

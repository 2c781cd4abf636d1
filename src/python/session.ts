import { randomBytes } from 'node:crypto';
import { answerCollector, handshake, rankTimesOf } from '../broadcast/answers.js';
import { sessionGuard } from '../broadcast/guard.js';
import { nowNs, packControl, type Ack, type Command, type RankConfiguration } from '../broadcast/protocol.js';
import type { Ranks } from '../broadcast/ranks.js';
import { configurationSlot } from '../broadcast/hold.js';
import { cursorOf, fixedPlan, samplingDriver } from '../broadcast/sampling.js';
import { activeRunOf, CPU_PING_STEP, faultsOfStep, rankSessionOf, stallOf, type ActiveRun, type MeasureRun, type RankSession, type StepRecord } from '../broadcast/session.js';
import { OptionsError } from '../errors.js';
import { CTX_META_KIND } from '../kinds/ctx-meta/kind.js';
import type { KindSpec, MessageKind, StepSource } from '../kinds/types.js';
import type { MessageRecord } from '../message/types.js';
import { CodecMismatchError, gateSteps, locateDifference } from '../run/gate.js';
import { requireInt } from '../options.js';
import { messageFingerprint } from '../message/fingerprint.js';
import { ARRAY_FIELDS, type CtxMeta } from '../kinds/ctx-meta/types.js';
import { stepView } from '../kinds/ctx-meta/strategies.js';
import { checkStrategy } from '../kinds/strategy.js';
import { openIpcFeed, type IpcFeed } from '../transport/ipc.js';
import { createRunDir } from '../transport/run-dir.js';
import { REPLAY_CODECS, checkPythonCodec, checkPythonCodecFor, isPythonCodecModule, pythonCodecForm, pythonCodecLabel, pythonCodecRef } from './codecs.js';
import { columnCode, flattenMessage } from '../codecs/envelope.js';
import { bytesOf } from '../codecs/frames.js';
import { ReplayFileError, ReplayMismatchError } from './errors.js';
import { spawnPythonRanks } from './processes.js';
import { findPython } from './probe.js';

/** Options of openPythonSession. */
export interface PythonSessionOptions {
  /** Ranks in all: the Python scheduler (rank 0) and tp − 1 Python ranks. @default 2 */
  tp?: number;
  /** Interpreter with numpy, pyzmq and msgpack. @default the first of DEFAULT_PYTHONS that passes probePython */
  python?: string;
  /** Folders the Python processes import from, before PYTHONPATH (where a replay's engine classes live). */
  pythonPath?: readonly string[];
  /** Longest wait for any answer, in ms. @default 5000 */
  timeoutMs?: number;
  /** Stops the session and cleans up; without it, SIGINT and SIGTERM are handled (cleanup, then the signal's usual exit). */
  signal?: AbortSignal;
  /** Called once the Python processes are running (scheduler first), with their pids and the run folder. */
  onStart?: (info: { pids: number[]; runDir: string }) => void | Promise<void>;
}

/** Live Python scheduler and ranks: a RankSession whose rank 0 is a Python process, measured on this process's clock. */
export interface PythonSession extends RankSession {
  readonly runtime: 'python';
  /** The interpreter the processes run. */
  readonly python: { version: string; executable: string };
}

/** What the scheduler adds to its answers as rank 0: its own clock stamps and what it put on the wire (its hello: its interpreter). */
interface SchedulerAck extends Ack, Pick<StepRecord, 'startNs' | 'encodedNs' | 'sentNs' | 'frames' | 'wireBytes' | 'payloadBytes'> {
  python?: PythonSession['python'];
  /** Its answer to a configuration: the name the codec gives itself (a codec module's create() decides it). */
  codecName?: string | null;
  /** With roundTrip, when the scheduler's own decode of what it encoded differs from it: "<codec> does not round-trip step N: <path>: a vs b". */
  mismatch?: string;
}

/** A step handed to the scheduler: the command its ranks will see, plus the step's scalars (its arrays follow as frames). */
type StepHandoff = Extract<Command, { kind: 'step' }> & Pick<CtxMeta, 'stepId' | 'blockSize' | 'reqIds'>;

const ms = (ns: number): number => ns / 1e6;

/** How errors name each kind of message. */
const KIND_NAMES: Record<KindSpec['kind'], string> = { 'ctx-meta': 'CtxMeta steps', message: 'captured messages', empty: 'the empty message' };

/**
 * A message of any kind as the Python scheduler rebuilds it (python/stallbench/message.py unflatten): the envelope's
 * structure in the control frame, its numbers as one float64 frame and each array as its own raw frame, so every bit
 * (-0, NaN, each dtype) arrives as it was.
 */
function messageHandoff(message: MessageRecord): { header: Record<string, unknown>; frames: Uint8Array[] } {
  const flat = flattenMessage(message);
  return {
    header: { kinds: flat.kinds, counts: Array.from(flat.counts), keys: flat.keys, strings: flat.strings, dtypes: flat.columns.map(columnCode) },
    frames: [bytesOf(flat.numbers), ...flat.columns.map(bytesOf)],
  };
}

/** Each message of a source and its place in the sequence (a captured source yields the same objects every time). */
function sequenceIndex(source: StepSource<MessageRecord>): Map<MessageRecord, number> {
  const index = new Map<MessageRecord, number>();
  const iterator = source.open();
  for (let next = iterator.next(), i = 0; next.done !== true; next = iterator.next(), i++) if (!index.has(next.value)) index.set(next.value, i);
  return index;
}

/** The step's arrays as raw little-endian frames, in ARRAY_FIELDS order: no copy, no conversion. */
function arrayFrames(payload: CtxMeta): Uint8Array[] {
  return ARRAY_FIELDS.map((field) => {
    const a = payload[field];
    return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  });
}

/**
 * Starts the Python scheduler and tp − 1 Python ranks and completes the handshake. Every step's payload is handed to the
 * scheduler before its clock starts; the scheduler applies the strategy and builds its own form untimed, then stamps,
 * encodes and publishes; the ranks answer here, so a step's record is built exactly as on Node ranks.
 */
export async function openPythonSession(options: PythonSessionOptions = {}): Promise<PythonSession> {
  const tp = requireInt('tp', options.tp ?? 2, 2, 64);
  const timeoutMs = requireInt('timeoutMs', options.timeoutMs ?? 5000, 10, 600_000);
  const python = options.python ?? (await findPython()).executable;
  const token = randomBytes(16).toString('hex');
  const dir = createRunDir();
  let feed: IpcFeed | null = null;
  let ranks: Ranks | null = null;
  const guard = sessionGuard(options.signal, () => {
    ranks?.killAll();
    feed?.close();
    dir.remove();
  });
  // The codec each configuration runs, as the user named it, for errors.
  const codecs = new Map<number, string>();
  const replays = new Map<number, string>();
  const moduleNames = new Map<string, string>();
  const answers = answerCollector({
    receive: (wait) => (feed === null ? Promise.reject(new Error('feed closed')) : feed.receive(wait)),
    token,
    ranks: Array.from({ length: tp }, (_, i) => i),
    timeoutMs,
    race: guard.race,
    failureOf: (ack) => {
      if (ack.error !== null && ack.userCode?.call === 'replay') return new ReplayFileError(ack.userCode.codec, ack.error);
      const mismatch = (ack as SchedulerAck).mismatch;
      if (typeof mismatch !== 'string') return null;
      const replay = replays.get(ack.config);
      if (replay !== undefined && mismatch.startsWith('replay step ')) return new ReplayMismatchError(replay, mismatch);
      const difference = mismatch.replace(/^.*? does not round-trip step \d+: /, '');
      const { field, index } = locateDifference(difference);
      return new CodecMismatchError(codecs.get(ack.config) ?? 'python', ack.step, field, index, difference, isPythonCodecModule(codecs.get(ack.config) ?? ''));
    },
  });
  const send = <T extends { token: string }>(command: T, frames: readonly Uint8Array[] = []): Promise<void> => {
    if (feed === null) throw new Error('feed closed');
    return guard.race(feed.send([packControl(command), ...frames]));
  };

  let info: { version: string; executable: string } = { version: 'unknown', executable: python };
  // Any failure on the way up (no interpreter, a module missing, a process that dies) tears down what was made so far.
  const live = await guard.run(async () => {
    feed = await openIpcFeed(dir, timeoutMs);
    const address = feed.address;
    const idleTimeoutMs = Math.max(60_000, 4 * timeoutMs);
    const spawned = spawnPythonRanks(python, Array.from({ length: tp }, (_, rank) => ({ rank, token, ...address, idleTimeoutMs })), options.pythonPath);
    ranks = spawned;
    guard.watch(spawned.failed);
    await guard.race(spawned.spawned);
    await options.onStart?.({ pids: spawned.pids, runDir: dir.path });
    const hello = await handshake(answers, (step) => send({ kind: 'ping', token, step }), timeoutMs);
    info = (hello.get(0) as SchedulerAck | undefined)?.python ?? info;
    return spawned;
  });

  const pingRoundTrips = async (count: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      await send({ kind: 'ping', token, step: i });
      const acks = await answers.collect('ping', 0, i);
      // From the scheduler's publish to the last rank's answer here: the path a step's answers take.
      out.push(ms(nowNs() - (acks.get(0) as SchedulerAck).startNs));
    }
    return out;
  };

  // Every Python process answers a ping with its CPU time, the scheduler as rank 0.
  const cpuTimes = async (): Promise<Map<number, number>> => {
    await send({ kind: 'ping', token, step: CPU_PING_STEP });
    const acks = await answers.collect('ping', 0, CPU_PING_STEP);
    return new Map([...acks].map(([rank, ack]) => [rank, ack.cpuUs ?? Number.NaN]));
  };

  let configId = 0;
  const slot = configurationSlot();

  const start = async (run: Omit<MeasureRun, 'plan'>): Promise<ActiveRun> => {
    const kind = run.kind ?? (CTX_META_KIND as unknown as MessageKind);
    const codec = kind.spec.kind === 'empty' ? run.codec : checkPythonCodec(run.codec);
    checkPythonCodecFor(codec, kind.spec);
    const strategy = checkStrategy(run.strategy);
    if (!kind.strategies.includes(strategy)) throw new OptionsError('strategy', `'${strategy}' does not apply to ${KIND_NAMES[kind.spec.kind]}; use ${kind.strategies.join(' or ')}`);
    if (run.fault?.kind === 'stale-descriptor') throw new OptionsError('fault', "'stale-descriptor' is a fault of the shm codec, which Python ranks do not run");
    const verifyEvery = requireInt('verifyEvery', run.verifyEvery ?? 1, 0, 1_000_000);
    const cursor = cursorOf(run.source as unknown as StepSource<MessageRecord>);
    // CtxMeta takes its strategy on the Python scheduler, as the seed's engine does; any other kind's wire message is
    // made here, untimed, and handed over whole.
    const side = kind.spec.kind === 'ctx-meta' ? null : kind.schedulerSide(strategy);
    // A replay sends the engine's own object for each step: the scheduler finds it by the message's place in the sequence.
    const replay = kind.spec.kind === 'message' ? kind.spec.replay : undefined;
    if (replay !== undefined && (strategy !== 'full' || !REPLAY_CODECS.includes(codec))) {
      throw new OptionsError('replay', `a replay runs ${REPLAY_CODECS.join(' and ')} with strategy full (the engine's objects have no delta), not ${codec} ${strategy}`);
    }
    const replayIndex = replay === undefined ? null : sequenceIndex(run.source);
    const rejectedAtStart = answers.rejected;
    let stepIndex = 0;
    const hold = slot.hold(async () => {
      const id = ++configId;
      const config: RankConfiguration = { id, kind: kind.spec, codec: pythonCodecRef(codec), strategy, readers: tp - 1, fault: run.fault ?? null };
      codecs.set(id, codec);
      if (replay !== undefined) replays.set(id, replay);
      await send({ kind: 'configure', token, config });
      const configured = await answers.collect('configured', id, -1);
      const name = (configured.get(0) as SchedulerAck | undefined)?.codecName;
      if (isPythonCodecModule(codec) && typeof name === 'string' && name !== '') moduleNames.set(codec, name);
      // The processes start this configuration with no strategy state: the next step starts a sequence.
      cursor.restartHere();
      return id;
    });

    const runStep = async ({ payload, restart }: { payload: MessageRecord; restart: boolean }): Promise<StepRecord> => {
      const config = hold.current;
      if (config === null) throw new Error('run is not active');
      const step = stepIndex++;
      live.setStep(step);
      // The check is the test's work, before anything is timed; the scheduler's clock starts after the handoff.
      const verify = verifyEvery > 0 && step % verifyEvery === 0;
      const base = { kind: 'step' as const, token, config, step, restart, ...(run.roundTrip === true ? { roundTrip: true } : {}) };
      if (side === null) {
        const ctx = payload as unknown as CtxMeta;
        const handoff: StepHandoff = { ...base, check: verify ? messageFingerprint(stepView(ctx)) : '', stepId: ctx.stepId, blockSize: ctx.blockSize, reqIds: ctx.reqIds };
        await send(handoff, arrayFrames(ctx));
      } else {
        const handoff = messageHandoff(side.wire(payload, restart));
        const index = replayIndex?.get(payload);
        if (replayIndex !== null && index === undefined) throw new Error('a replayed step is not a message of the sequence');
        await send({ ...base, check: verify ? messageFingerprint(kind.view(payload)) : '', message: handoff.header, ...(index === undefined ? {} : { replayIndex: index }) }, handoff.frames);
      }
      const acks = await answers.collect('step', config, step);
      const own = acks.get(0) as SchedulerAck;
      return {
        step,
        restart,
        startNs: own.startNs,
        encodedNs: own.encodedNs,
        sentNs: own.sentNs,
        frames: own.frames,
        wireBytes: own.wireBytes,
        payloadBytes: own.payloadBytes,
        pageFaults: own.pageFaults,
        involuntary: own.involuntary ?? 0,
        gcMs: own.gcMs ?? 0,
        runQueueUs: own.runQueueUs ?? Number.NaN,
        ranks: rankTimesOf(acks),
      };
    };
    return activeRunOf({
      // A codec module is named by the name its create() gives, once the processes have built it; by its file until then.
      get codec() {
        return moduleNames.get(codec) ?? pythonCodecLabel(codec);
      },
      strategy,
      form: pythonCodecForm(codec),
      // pickle and msgpack allocate their own output: nothing here writes into reused memory.
      regime: 'fresh',
      shmBackend: null,
      hold,
      cursor,
      driver: samplingDriver(cursor, runStep, stallOf, faultsOfStep),
      rejected: () => answers.rejected - rejectedAtStart,
      guard,
    });
  };

  return {
    ...rankSessionOf({ runtime: 'python', tp, transport: 'ipc', waitPolicy: null, idleMs: 0, ranks: live, runDir: dir.path, guard, pingRoundTrips, cpuTimes, start, stop: () => send({ kind: 'stop', token }) }),
    runtime: 'python',
    python: info,
  };
}

/**
 * The correctness gate before a Python codec is timed (checkRoundTrip's part for codecs that live in Python): the
 * leading steps of the run's source that checkRoundTrip would check (its wire-byte budget, at least two) through the
 * session's processes, every one fingerprint-checked on every rank against TypeScript's step view. A difference is a
 * RankFailedError, which ends the session like any failure.
 */
export async function checkPythonRoundTrip(
  session: RankSession,
  run: Omit<MeasureRun, 'plan' | 'verifyEvery'>,
  steps = gateSteps(run.kind ?? (CTX_META_KIND as unknown as MessageKind), run.source, run.strategy),
): Promise<{ checked: number }> {
  const measured = await session.measure({ ...run, verifyEvery: 1, roundTrip: true, plan: fixedPlan(Math.max(1, Math.min(steps, run.source.length - 1)), 0) });
  // The step that starts the sequence is run and checked too, though not sampled.
  return { checked: measured.steps.length + 1 };
}

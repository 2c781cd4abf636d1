import { encodeWith, inFormOf } from '../codecs/form.js';
import { createCodec, isCodecName, listCodecs, type CodecName } from '../codecs/registry.js';
import type { Codec } from '../codecs/types.js';
import { OptionsError } from '../errors.js';
import { collectRunContext, type RunContext } from '../harness/context.js';
import { createMemcpy } from '../harness/memcpy.js';
import { measureLatencies, type LatencyStats } from '../harness/measure.js';
import { summarize } from '../harness/stats.js';
import { runBroadcast, type BroadcastResult } from '../ipc/broadcast.js';
import { extendIntoSequence } from '../payload/extend.js';
import { payloadByteLength } from '../payload/size.js';
import type { CtxMeta } from '../payload/types.js';
import { validateCtxMeta } from '../payload/validate.js';
import { checkStrategy, createRankSide, wirePayloads } from '../strategies/strategies.js';
import type { StrategyName } from '../strategies/types.js';
import { DEFAULT_STEP_PRESET, STEP_PRESETS, type StepPresetName } from './presets.js';
import { projectOntoGpu, projectStall, type GpuProjection, type StallParts } from './projection.js';

/** Options of measureStall. */
export interface MeasureStallOptions {
  /** TP size to project onto (ranks including the scheduler). @default 4 */
  tp?: number;
  /** GPU step time in ms. @default the preset's (24.5 ms: LLaMA 70B, TP 4, H100) */
  stepMs?: number;
  /** Named GPU step time; `stepMs` overrides its figure. @default 'llama-70b-tp4-h100' */
  preset?: StepPresetName;
  /** Whether the engine overlaps scheduling with the GPU step (then only stall beyond stepMs is exposed). @default false */
  overlap?: boolean;
  /** 'ipc': also broadcast to real rank processes over ZeroMQ; 'none': encode/decode/derive in this process only. @default 'ipc' */
  transport?: 'ipc' | 'none';
  /** What goes on the wire each step. @default 'full' */
  strategy?: StrategyName;
  /** Consecutive steps the payload is continued into (a delta needs a sequence). @default 8 */
  sequenceSteps?: number;
  /** Sampling time per in-process operation, ms. @default 300 */
  timeMs?: number;
  /** Measured broadcast steps per process run. @default 20 */
  broadcastSteps?: number;
  /** Also time encode, decode and derive in a hot in-process loop; with 'ipc', false reports the processes' own timings instead (faster sweeps). @default true */
  inProcess?: boolean;
  /** Stops the measurement; rank processes and shared memory are cleaned up. */
  signal?: AbortSignal;
}

/** Where the transport figures come from. */
export interface TransportMeasurement {
  /** TP sizes run as real processes: measured step stall (p50, p99, ms), the projection from the parts, and (projected − measured) / measured. */
  measured: { tp: number; stallP50: number; stallP99: number; projectedMs: number; projectionError: number; oversubscribed: boolean }[];
  /** Transfer of the single peer at tp=2, and the added arrival delay per extra peer (tp=3 − tp=2), p50 ms. */
  transferMs: number;
  perPeerMs: number;
  roundTripMs: number;
}

/** Everything measureStall found: what went on the wire, what each part cost, and what it costs the GPUs. */
export interface StallReport {
  codec: CodecName | string;
  strategy: StrategyName;
  form: Codec['form'];
  transport: 'ipc' | 'none';
  batch: number;
  /** slotMapping entries of the full payload. */
  slots: number;
  frames: number;
  /** Bytes on the wire for the sequence's last step (steady state). */
  wireBytes: number;
  payloadBytes: number;
  /** Timings of encode, decode and the rank-side work, ms: a hot in-process loop (tinybench), or the processes' own. */
  timingSource: 'in-process' | 'processes';
  encode: LatencyStats;
  decode: LatencyStats;
  derive: LatencyStats;
  /** Stall on the critical path at tp=2, ms: measured with real processes for 'ipc'; encode + decode + derive for 'none'. */
  stall: { p50: number; p99: number };
  memcpy: LatencyStats;
  /** stall p50 / memcpy p50 of the payload's bytes. */
  vsMemcpy: number;
  projection: GpuProjection;
  /** 'measured' when the requested TP ran as processes on enough cores; 'projected' from the parts otherwise. */
  projectionBasis: 'measured' | 'projected';
  parts: StallParts;
  transportMeasurement: TransportMeasurement | null;
  stepSource: string;
  context: RunContext;
}

interface Resolved {
  codecName: string;
  tp: number;
  stepMs: number;
  stepSource: string;
  overlap: boolean;
  transport: 'ipc' | 'none';
  strategy: StrategyName;
  sequenceSteps: number;
  timeMs: number;
  broadcastSteps: number;
  inProcess: boolean;
}

function resolve(codec: Codec | string, options: MeasureStallOptions): Resolved {
  const codecName = typeof codec === 'string' ? codec : codec.name;
  if (typeof codec === 'string' && !isCodecName(codec)) throw new OptionsError('codec', `unknown codec '${codec}'; known: ${listCodecs().join(', ')}`);
  const tp = options.tp ?? 4;
  if (!Number.isInteger(tp) || tp < 1 || tp > 1024) throw new OptionsError('tp', `must be an integer >= 1, got ${String(tp)}`);
  const preset = options.preset ?? DEFAULT_STEP_PRESET;
  if (!Object.hasOwn(STEP_PRESETS, preset)) throw new OptionsError('preset', `unknown preset '${preset}'; known: ${Object.keys(STEP_PRESETS).join(', ')}`);
  const stepMs = options.stepMs ?? STEP_PRESETS[preset].stepMs;
  if (!Number.isFinite(stepMs) || stepMs <= 0) throw new OptionsError('stepMs', `must be a positive number of ms, got ${String(stepMs)}`);
  const transport = options.transport ?? 'ipc';
  if (transport !== 'ipc' && transport !== 'none') throw new OptionsError('transport', "must be 'ipc' or 'none'");
  if (options.inProcess === false && transport === 'none') throw new OptionsError('inProcess', "transport 'none' has nothing to measure without in-process timing");
  if (transport === 'ipc' && typeof codec !== 'string' && !isCodecName(codec.name)) {
    throw new OptionsError('codec', 'ranks build codecs by name: pass a registered codec for transport ipc');
  }
  const timeMs = options.timeMs ?? 300;
  if (!Number.isFinite(timeMs) || timeMs <= 0) throw new OptionsError('timeMs', 'must be a positive number');
  const sequenceSteps = options.sequenceSteps ?? 8;
  if (!Number.isInteger(sequenceSteps) || sequenceSteps < 1 || sequenceSteps > 10_000) throw new OptionsError('sequenceSteps', 'must be in [1, 10000]');
  const broadcastSteps = options.broadcastSteps ?? 20;
  if (!Number.isInteger(broadcastSteps) || broadcastSteps < 1) throw new OptionsError('broadcastSteps', 'must be a positive integer');
  return {
    codecName,
    tp,
    stepMs,
    stepSource: options.stepMs !== undefined ? 'given' : STEP_PRESETS[preset].source,
    overlap: options.overlap ?? false,
    transport,
    strategy: checkStrategy(options.strategy ?? 'full'),
    sequenceSteps,
    timeMs,
    broadcastSteps,
    inProcess: options.inProcess ?? true,
  };
}

/** Times encode, decode and the rank-side work in this process, cycling through the sequence in order. */
async function measureInProcess(codec: Codec, sequence: readonly CtxMeta[], strategy: StrategyName, timeMs: number) {
  const wire = wirePayloads(strategy, sequence);
  const inputs = wire.map((p) => inFormOf(codec, p));
  const side = createRankSide(strategy);
  let e = 0;
  let d = 0;
  let r = 0;
  const budget = { timeMs, iterations: 10, warmupMs: Math.min(100, timeMs / 3) };
  const encode = (await measureLatencies({ encode: () => encodeWith(codec, inputs[e++ % inputs.length] ?? (inputs[0] as CtxMeta)) }, budget)).encode;
  // Frames for every step, kept where they still decode: a ring codec (shm) has reused the slots of all but its last few.
  const encoded = inputs.map((input) => encodeWith(codec, input));
  const decodable = encoded.filter((frames) => {
    try {
      codec.decode(frames);
      return true;
    } catch {
      return false;
    }
  });
  const decode = (await measureLatencies({ decode: () => codec.decode(decodable[d++ % decodable.length] ?? []) }, budget)).decode;
  const derive = (await measureLatencies({ derive: () => side.apply(wire[r++ % wire.length] ?? (sequence[0] as CtxMeta)) }, budget)).derive;
  return { encode: encode as LatencyStats, decode: decode as LatencyStats, derive: derive as LatencyStats, wire };
}

function latestArrivals(result: BroadcastResult): number[] {
  return result.steps.map((s) => (Math.max(...s.ranks.map((k) => k.receivedNs)) - s.encodedNs) / 1e6);
}

/** Measures what broadcasting `payload` with `codec` stalls each TP rank per step, and projects it onto the GPUs. */
export async function measureStall(payload: CtxMeta | readonly CtxMeta[], codec: Codec | string, options: MeasureStallOptions = {}): Promise<StallReport> {
  const config = resolve(codec, options);
  const given = Array.isArray(payload) ? (payload as readonly CtxMeta[]) : null;
  const sequence = given ?? extendIntoSequence(validateCtxMeta(payload as CtxMeta), config.sequenceSteps);
  if (sequence.length === 0) throw new OptionsError('payload', 'an empty sequence has nothing to measure');
  sequence.forEach((p) => validateCtxMeta(p));
  const first = sequence[0] as CtxMeta;
  const instance = typeof codec === 'string' ? createCodec(codec) : codec;
  try {
    const inProcess = config.inProcess ? await measureInProcess(instance, sequence, config.strategy, config.timeMs) : null;
    const payloadBytes = payloadByteLength(first);
    const memcpy = (await measureLatencies({ memcpy: createMemcpy(payloadBytes) }, { timeMs: Math.min(200, config.timeMs) })).memcpy as LatencyStats;
    // The sequence's last step: the steady state (a delta's first step carries every block table).
    const wireSequence = wirePayloads(config.strategy, sequence);
    const frames = encodeWith(instance, inFormOf(instance, wireSequence[wireSequence.length - 1] ?? first));
    const wireBytes = frames.reduce((sum, f) => sum + f.byteLength, 0);
    let transportMeasurement: TransportMeasurement | null = null;
    let timings = inProcess;
    let parts: StallParts = {
      encodeMs: inProcess?.encode.p50 ?? 0,
      transferMs: 0,
      perPeerMs: 0,
      decodeMs: inProcess?.decode.p50 ?? 0,
      deriveMs: inProcess?.derive.p50 ?? 0,
    };
    let stall = inProcess === null ? { p50: 0, p99: 0 } : {
      p50: inProcess.encode.p50 + inProcess.decode.p50 + inProcess.derive.p50,
      p99: inProcess.encode.p99 + inProcess.decode.p99 + inProcess.derive.p99,
    };
    if (config.transport === 'ipc') {
      const broadcast = (tp: number) =>
        runBroadcast({
          codec: config.codecName as CodecName,
          tp,
          strategy: config.strategy,
          payloads: sequence,
          steps: config.broadcastSteps,
          warmup: 3,
          pings: 10,
          verify: 'sample',
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
        });
      const one = await broadcast(2);
      const two = await broadcast(3);
      const transferMs = summarize(latestArrivals(one)).p50;
      const perPeerMs = Math.max(0, summarize(latestArrivals(two)).p50 - transferMs);
      // Parts as the processes saw them: a rank decodes with colder caches than a hot in-process loop.
      parts = { encodeMs: one.encode.p50, transferMs, perPeerMs, decodeMs: one.decode.p50, deriveMs: one.derive.p50 };
      stall = { p50: one.stepStall.p50, p99: one.stepStall.p99 };
      timings ??= { encode: one.encode, decode: one.decode, derive: one.derive, wire: [] };
      transportMeasurement = {
        measured: [one, two].map((r) => {
          const projectedMs = projectStall(parts, r.tp);
          return {
            tp: r.tp,
            stallP50: r.stepStall.p50,
            stallP99: r.stepStall.p99,
            projectedMs,
            projectionError: (projectedMs - r.stepStall.p50) / r.stepStall.p50,
            oversubscribed: r.oversubscribed,
          };
        }),
        transferMs,
        perPeerMs,
        roundTripMs: one.roundTrip.p50,
      };
    }
    if (timings === null) throw new OptionsError('inProcess', 'nothing was measured');
    const measuredAtTp = transportMeasurement?.measured.find((m) => m.tp === config.tp && !m.oversubscribed);
    const stallAtTp = config.tp <= 1 ? 0 : (measuredAtTp?.stallP50 ?? (config.transport === 'ipc' ? projectStall(parts, config.tp) : stall.p50));
    return {
      codec: config.codecName,
      strategy: config.strategy,
      form: instance.form,
      transport: config.transport,
      batch: first.reqIds.length,
      slots: first.slotMapping.length,
      frames: frames.length,
      wireBytes,
      payloadBytes,
      encode: timings.encode,
      decode: timings.decode,
      derive: timings.derive,
      timingSource: inProcess !== null ? 'in-process' : 'processes',
      stall,
      memcpy,
      vsMemcpy: stall.p50 / memcpy.p50,
      projection: projectOntoGpu(stallAtTp, { stepMs: config.stepMs, overlap: config.overlap, batch: first.reqIds.length, tp: config.tp }),
      projectionBasis: measuredAtTp !== undefined ? 'measured' : 'projected',
      parts,
      transportMeasurement,
      stepSource: config.stepSource,
      context: collectRunContext(),
    };
  } finally {
    if (typeof codec === 'string') instance.dispose?.();
  }
}

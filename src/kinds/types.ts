import type { AnyCodec, Frames, FrameAllocator } from '../codecs/types.js';
import type { DtypeMap } from '../message/types.js';
import type { StrategyName } from './strategy.js';

/** What a rank needs to know about the messages it will receive: plain data, sent with every configuration. */
export type KindSpec = { kind: 'ctx-meta' } | { kind: 'message'; dtypes: DtypeMap } | { kind: 'empty' };

/** A codec as a kind's operations see it: where it came from, for a rank to build the same one. */
export interface CodecRef {
  /** A built-in codec's name, or the absolute path of a codec module. */
  ref: string;
  /** The name the codec gives itself (a module codec's factory decides it). */
  name: string;
  /** The module's path, for module codecs. */
  module: string | null;
}

/**
 * One kind of message the broadcast carries — the scheduler's CtxMeta, or captured messages of any shape — with every
 * operation the orchestration needs, so the session, the ranks and the reports never look inside a payload.
 */
export interface PayloadKind<P> {
  readonly spec: KindSpec;
  /** Strategies that make sense for this kind. */
  readonly strategies: readonly StrategyName[];
  /** Builds the codec `ref` names for this kind; `readers`/`readerIndex` place a shared-memory codec's ring. */
  createCodec(ref: string, role: { readers?: number; readerIndex?: number }): Promise<AnyCodec>;
  /** The payload in the form the codec takes (boxed codecs take lists), made before the clock starts. */
  inFormOf(codec: AnyCodec, payload: P): unknown;
  encode(codec: AnyCodec, input: unknown, allocator: FrameAllocator): Frames;
  /** What the codec decoded, turned into the form the rank launches from (typed arrays): the timed `convert`. */
  toColumnar(codec: AnyCodec, decoded: unknown): P;
  /** What the scheduler sends for each step under a strategy (its bookkeeping, done before the clock starts). */
  schedulerSide(strategy: StrategyName): { wire(step: P, restart: boolean): P };
  /** What a rank does with each wire payload to get what it launches from (timed as `derive`); payloadOf turns that into the step view, untimed, for verification. */
  rankSide(strategy: StrategyName): { apply(wire: P): unknown; payloadOf(view: unknown): P; reset(): void };
  /** The step a rank must rebuild from a full step, for verification. */
  view(step: P): P;
  fingerprint(payload: P): string;
  /** Content bytes (arrays, strings, scalars): what a memcpy floor copies. */
  byteLength(payload: P): number;
  /** The first difference between two payloads, or null when they are identical bit for bit. */
  diff(expected: P, actual: P): string | null;
  /** Requests in a step, for labels and tokens per second. */
  batch(payload: P): number;
  /** Context tokens a step covers (CtxMeta: Σ seqLen); 0 where the kind has no such notion. */
  slots(payload: P): number;
}

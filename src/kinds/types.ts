import type { Codec } from '../codecs/types.js';
import type { BoxedMessageRecord, DtypeMap, MessageRecord } from '../message/types.js';
import type { StrategyName } from './strategy.js';

/**
 * What a rank needs to know about the messages it will receive: plain data, sent with every configuration. A captured
 * sequence's `replay` is the file of the engine's own pickled objects that Python ranks replay in its place.
 */
export type KindSpec = { kind: 'ctx-meta' } | { kind: 'message'; dtypes: DtypeMap; replay?: string } | { kind: 'empty' };

/**
 * A restartable source of consecutive steps: every `open()` starts again at step 0 and yields the same steps, so a
 * long run never holds its whole sequence in memory and a warm-up can be replayed before the measured steps.
 */
export interface StepSource<M extends MessageRecord = MessageRecord> {
  /** Steps before the source runs out; past that a run starts it again, as a labelled restart, never a sample. */
  readonly length: number;
  /** Requests in the first step, for labels and tokens per second (0 when unknown). */
  readonly batch: number;
  open(): Iterator<M, void, undefined>;
}

/** The scheduler's side of a strategy: what goes on the wire for each step, given the steps before it (bookkeeping, before the clock). */
export interface SchedulerSide<M extends MessageRecord = MessageRecord> {
  /** The wire message for `step`; `restart` starts a new sequence (a delta then sends everything in full). */
  wire(step: M, restart: boolean): M;
}

/** A rank's side of a strategy: what it does with each wire message to get what it launches from, timed as `derive`. */
export interface RankSide<M extends MessageRecord = MessageRecord> {
  apply(wire: M): unknown;
  /** What `apply` returned as the step view, for verification after the clock stops. */
  payloadOf(view: unknown): M;
  /** Forgets what earlier steps left (a delta's state): the next step starts a new sequence. */
  reset(): void;
}

/**
 * One kind of message the broadcast carries — the scheduler's CtxMeta, a captured sequence of any shape, the empty
 * message — with everything specific to it, so sessions, ranks and reports never look inside a message. Equality,
 * fingerprint and size are the message model's own (src/message/), the same for every kind.
 */
export interface MessageKind<M extends MessageRecord = MessageRecord> {
  readonly spec: KindSpec;
  /** Dtype of every numeric path, as the message model names them. */
  readonly dtypes: DtypeMap;
  /** Strategies that make sense for this kind. */
  readonly strategies: readonly StrategyName[];
  /** Codecs of this kind's own schema, standing in for the library codec of the same name (CtxMeta: flatbuffers, protobuf). */
  readonly schemaCodecs?: Readonly<Record<string, () => Codec>>;
  /** The boxed form a boxed codec carries (plain lists), made before the clock starts. */
  toBoxed(message: M): BoxedMessageRecord;
  /** What a boxed codec decoded, turned into the form the rank launches from (typed arrays): the timed `convert`. */
  fromBoxed(boxed: BoxedMessageRecord): M;
  schedulerSide(strategy: StrategyName): SchedulerSide<M>;
  rankSide(strategy: StrategyName): RankSide<M>;
  /** The step a rank must rebuild from a full step, for verification. */
  view(step: M): M;
  /** Requests in a step, for labels and tokens per second (0 where unknown). */
  batch(message: M): number;
  /** Context tokens a step covers (CtxMeta: Σ seqLen); 0 where the kind has no such notion. */
  slots(message: M): number;
}

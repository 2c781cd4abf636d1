import { FRESH_ALLOCATOR } from '../codecs/frame-pool.js';
import { codecModulePath, isCodecModuleRef, openCodec } from '../codecs/module.js';
import type { Codec } from '../codecs/types.js';
import { CodecCallError, StallbenchError } from '../errors.js';
import { encodeWith, inFormOf, toColumnar } from '../kinds/form.js';
import type { MessageKind, StepSource } from '../kinds/types.js';
import { diffMessages } from '../message/equal.js';
import { messageByteLength } from '../message/size.js';
import type { MessageRecord } from '../message/types.js';
import type { StrategyName } from '../kinds/strategy.js';

/** A codec decoded a step to something other than what was encoded: it is never timed. */
export class CodecMismatchError extends StallbenchError {
  readonly cliExitCode: 1 | 2;
  override readonly name = 'CodecMismatchError';
  constructor(
    readonly codec: string,
    /** Step of the sequence (0-based) whose wire payload did not round-trip. */
    readonly step: number,
    /** The first differing field, as a path. */
    readonly field: string,
    /** The index inside that field, or null for a scalar or a length. */
    readonly index: number | null,
    readonly difference: string,
    /** The codec is the user's module: theirs to fix (exit 2), where a built-in's mismatch is a failed run (exit 1). */
    fromModule = false,
  ) {
    super(`${codec} does not round-trip step ${step}: ${difference}`);
    this.cliExitCode = fromModule ? 2 : 1;
  }
}

/** Wire payload bytes after which the gate stops (a captured sequence is usually checked whole; a 2M-slot step costs a boxed codec a second). */
export const GATE_BYTES = 4 * 2 ** 20;

/** Steps the gate always checks, whatever their size: the first (a delta's full tables) and the steady state after it. */
export const GATE_MIN_STEPS = 2;

/** Most steps the gate checks: a delta of a few KB would otherwise run the whole sequence, each step generated at full size. */
export const GATE_MAX_STEPS = 64;

/** Splits a difference like "topK[3]: 1 vs 7" or "/reqs/0/ids[1]: 9 vs 8" into its field and index. */
export function locateDifference(difference: string): { field: string; index: number | null } {
  const match = /^(.*?)(?:\[(\d+)\])?(?:\.length)?: /.exec(difference);
  return { field: match?.[1] ?? difference, index: match?.[2] === undefined ? null : Number(match[2]) };
}

/** How many leading steps the gate checks for a strategy: until GATE_BYTES of wire payload or GATE_MAX_STEPS, and at least GATE_MIN_STEPS. */
export function gateSteps(kind: MessageKind, source: StepSource, strategy: StrategyName): number {
  const scheduler = kind.schedulerSide(strategy);
  let bytes = 0;
  let steps = 0;
  const iterator = source.open();
  for (let next = iterator.next(); next.done !== true && steps < GATE_MAX_STEPS && (bytes < GATE_BYTES || steps < GATE_MIN_STEPS); next = iterator.next()) {
    bytes += messageByteLength(scheduler.wire(next.value, steps === 0));
    steps++;
  }
  return steps;
}

/**
 * The correctness gate every codec passes before any timing: the steps of the sequence, in order and as the strategy
 * puts them on the wire, are encoded, decoded and turned into arrays in this process and must equal what was encoded,
 * bit for bit — every step, until GATE_BYTES of wire payload or GATE_MAX_STEPS steps have been checked (and always the
 * first GATE_MIN_STEPS).
 * The ranks then verify every tenth measured step by fingerprint. An encode or decode that throws, even a DecodeError
 * (the codec cannot read its own frames), surfaces as a CodecCallError naming the codec, the call and the step; a
 * mismatch is a CodecMismatchError, the user's to fix (exit 2) when `fromModule`.
 */
export function checkRoundTrip(kind: MessageKind, codec: Codec, source: StepSource, strategy: StrategyName, fromModule = false): { checked: number; of: number } {
  const scheduler = kind.schedulerSide(strategy);
  let bytes = 0;
  let checked = 0;
  let index = 0;
  const iterator = source.open();
  for (let next = iterator.next(); next.done !== true && checked < GATE_MAX_STEPS && (bytes < GATE_BYTES || checked < GATE_MIN_STEPS); next = iterator.next(), index++) {
    const wire = scheduler.wire(next.value, index === 0);
    let frames: ReturnType<typeof encodeWith>;
    try {
      frames = encodeWith(codec, inFormOf(kind, codec, wire), FRESH_ALLOCATOR);
    } catch (error) {
      throw new CodecCallError(codec.name, 'encode', index, error);
    }
    let decoded: MessageRecord;
    try {
      decoded = toColumnar(kind, codec, codec.decode(frames));
    } catch (error) {
      throw new CodecCallError(codec.name, 'decode', index, error);
    } finally {
      codec.release?.();
    }
    const difference = diffMessages(wire, decoded);
    if (difference !== null) {
      const { field, index: at } = locateDifference(difference);
      throw new CodecMismatchError(codec.name, index, field, at, difference, fromModule);
    }
    bytes += messageByteLength(wire);
    checked++;
  }
  return { checked, of: source.length };
}

/** What the gate learned of a codec: its own name and form, and where it came from. */
export interface GatedCodec {
  name: string;
  form: Codec['form'];
  /** The codec module's path, for codecs from outside the registry. */
  module?: string;
}

/**
 * Create, gate, dispose: opens the codec `ref` names (or takes the caller's own codec object, which it leaves open),
 * checks that every step of `source` round-trips exactly under `strategy`, and says what the codec is. Every driver
 * calls it before anything is timed.
 */
export async function gateCodec(ref: string | Codec, kind: MessageKind, source: StepSource, strategy: StrategyName): Promise<GatedCodec> {
  const codec = typeof ref === 'string' ? await openCodec(ref, kind.schemaCodecs === undefined ? {} : { schemaCodecs: kind.schemaCodecs }) : ref;
  try {
    checkRoundTrip(kind, codec, source, strategy, typeof ref === 'string' && isCodecModuleRef(ref));
    return { name: codec.name, form: codec.form, ...(typeof ref === 'string' && isCodecModuleRef(ref) ? { module: codecModulePath(ref) } : {}) };
  } finally {
    if (typeof ref === 'string') codec.dispose?.();
  }
}

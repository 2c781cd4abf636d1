/**
 * What every error stallbench throws on purpose extends: a stable `name`, a message that says where, and how the command
 * line answers it — exit 2 for something the user gave (flags, files, modules, payloads), exit 1 for a run that failed.
 */
export abstract class StallbenchError extends Error {
  /** 2: the input was wrong and nothing was measured; 1: a run failed. */
  abstract readonly cliExitCode: 1 | 2;
}

/** Thrown when a codec cannot turn frames back into a payload: corrupt, truncated or foreign input. */
export class DecodeError extends StallbenchError {
  readonly cliExitCode = 1;
  override readonly name = 'DecodeError';
  constructor(
    readonly codec: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${codec}: ${reason}`, options);
  }
}

/** Thrown when a payload breaks an invariant of CtxMeta; `field` names the first offending field. */
export class PayloadError extends StallbenchError {
  readonly cliExitCode = 2;
  override readonly name = 'PayloadError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Thrown for options that make no sense (negative sizes, unknown names), before any work starts. */
export class OptionsError extends StallbenchError {
  readonly cliExitCode = 2;
  override readonly name = 'OptionsError';
  constructor(
    readonly option: string,
    readonly reason: string,
  ) {
    super(`${option}: ${reason}`);
  }
}

/** Thrown when the shared-memory ring has no slot that every reader has released. */
export class ShmBusyError extends StallbenchError {
  readonly cliExitCode = 1;
  override readonly name = 'ShmBusyError';
  constructor(
    readonly slot: number,
    readonly reason: string,
  ) {
    super(`shm slot ${slot}: ${reason}`);
  }
}

/** The user's or a codec's own code threw while the gate checked it: the codec's fault (exit 2), named with its call and step. */
export class CodecCallError extends StallbenchError {
  readonly cliExitCode = 2;
  override readonly name = 'CodecCallError';
  constructor(
    readonly codec: string,
    /** encode and decode for every codec; a Python codec module also fails in load, create, prepare or to_columnar. */
    readonly call: 'encode' | 'decode' | 'load' | 'create' | 'prepare' | 'to_columnar',
    /** Step of the sequence (0-based) the call was given; null for load and create. */
    readonly step: number | null,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message.split('\n')[0] ?? ''}` : String(cause);
    super(`codec ${codec}: ${call} ${step === null ? 'failed' : `threw on step ${step}`} (${reason}); nothing was measured`, { cause });
  }
}

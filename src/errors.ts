/** Thrown when a codec cannot turn frames back into a payload: corrupt, truncated or foreign input. */
export class DecodeError extends Error {
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
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Thrown for options that make no sense (negative sizes, unknown names), before any work starts. */
export class OptionsError extends Error {
  override readonly name = 'OptionsError';
  constructor(
    readonly option: string,
    readonly reason: string,
  ) {
    super(`${option}: ${reason}`);
  }
}

/** Thrown when the shared-memory ring has no slot that every reader has released. */
export class ShmBusyError extends Error {
  override readonly name = 'ShmBusyError';
  constructor(
    readonly slot: number,
    readonly reason: string,
  ) {
    super(`shm slot ${slot}: ${reason}`);
  }
}

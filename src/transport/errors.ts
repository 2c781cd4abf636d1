import { StallbenchError } from '../errors.js';
/** A transport gave up waiting: no free slot to send into, or no answer, within the timeout. */
export class TransportTimeoutError extends StallbenchError {
  readonly cliExitCode = 1;
  override readonly name = 'TransportTimeoutError';
  constructor(
    readonly operation: 'send' | 'receive',
    readonly timeoutMs: number,
    readonly reason: string,
  ) {
    super(`${operation} timed out after ${timeoutMs} ms: ${reason}`);
  }
}

/** A call on a transport end that has been closed. */
export class TransportClosedError extends StallbenchError {
  readonly cliExitCode = 1;
  override readonly name = 'TransportClosedError';
  constructor(readonly operation: 'send' | 'receive') {
    super(`${operation} on a closed transport`);
  }
}

/** The shared-memory ring refused a message or found its memory in a state it cannot use (missing, corrupt, too small). */
export class ShmRingError extends StallbenchError {
  readonly cliExitCode = 1;
  override readonly name = 'ShmRingError';
  constructor(readonly reason: string) {
    super(`shm-ring: ${reason}`);
  }
}

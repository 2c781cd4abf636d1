import { StallbenchError } from '../errors.js';
/** Where in a run a failure came, in words: a step's index, or (negative) the control traffic between steps. */
function whenOf(step: number): string {
  return step >= 0 ? `at step ${step}` : 'between steps (handshake, configuration or a ping)';
}

/** A rank process failed: it exited, was killed, stopped answering, or could not decode a step. */
export class RankFailedError extends StallbenchError {
  readonly cliExitCode = 1;
  override readonly name = 'RankFailedError';
  constructor(
    readonly rank: number,
    /** Step index (counting warm-up) it failed at, or -1 during the handshake. */
    readonly step: number,
    readonly reason: string,
    readonly exitCode: number | null = null,
    readonly signal: NodeJS.Signals | null = null,
  ) {
    super(`rank ${rank} failed ${whenOf(step)}: ${reason}`);
  }
}

/** The run was interrupted (SIGINT, SIGTERM or an AbortSignal); everything it started has been cleaned up. */
export class BroadcastAbortedError extends StallbenchError {
  readonly cliExitCode = 1;
  override readonly name = 'BroadcastAbortedError';
  constructor(readonly reason: string) {
    super(`broadcast aborted: ${reason}`);
  }
}

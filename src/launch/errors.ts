import { StallbenchError } from '../errors.js';

/** A launched world could not form: a rank did not reach rank 0 in time, or the ranks disagree on who they are. */
export class LaunchError extends StallbenchError {
  readonly cliExitCode = 2;
  override readonly name = 'LaunchError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

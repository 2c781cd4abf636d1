import { StallbenchError } from '../errors.js';
/** stallbench's Python side cannot run: no interpreter, one too old, or one that lacks numpy, pyzmq or msgpack. */
export class PythonUnavailableError extends StallbenchError {
  readonly cliExitCode = 1;
  override readonly name = 'PythonUnavailableError';
  constructor(
    /** The interpreter asked for (or the candidates tried). */
    readonly python: string,
    readonly reason: string,
    /** The rank whose process found out, or null for a probe. */
    readonly rank: number | null = null,
  ) {
    super(`${rank === null ? '' : `rank ${rank}: `}${python}: ${reason}`);
  }
}

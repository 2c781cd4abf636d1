import { StallbenchError } from '../errors.js';

/** A replay file that cannot be read or unpickled (its engine's classes missing, a file cut short): the user's to fix (exit 2). */
export class ReplayFileError extends StallbenchError {
  readonly cliExitCode = 2;
  override readonly name = 'ReplayFileError';
  constructor(
    readonly replay: string,
    /** What the Python scheduler found, e.g. "step 0 does not unpickle: ModuleNotFoundError: …". */
    reason: string,
  ) {
    super(`replay file ${replay}: ${reason}`);
  }
}

/** A replayed object does not agree with its JSON line under capture.py's conversion: the capture's to fix (exit 2). */
export class ReplayMismatchError extends StallbenchError {
  readonly cliExitCode = 2;
  override readonly name = 'ReplayMismatchError';
  constructor(
    readonly replay: string,
    /** "replay step N does not agree with its JSON line: <path>: a vs b", as the Python scheduler found it. */
    reason: string,
  ) {
    super(`${replay}: ${reason}`);
  }
}

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

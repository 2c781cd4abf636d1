import { StallbenchError } from '../errors.js';
/** Where in a message file a problem sits: a line of JSON Lines, or a byte offset of a MessagePack stream. */
export interface MessageFileLocation {
  line?: number;
  offset?: number;
}

/** Thrown when a message file cannot be loaded as it stands: malformed, out of bounds, or not what its dtypes declare. */
export class MessageFileError extends StallbenchError {
  readonly cliExitCode = 2;
  override readonly name = 'MessageFileError';
  /** 1-based line of a JSON Lines file, when the problem sits on one. */
  readonly line: number | undefined;
  /** Byte offset of the MessagePack object at fault, when the file is a MessagePack stream. */
  readonly offset: number | undefined;
  constructor(
    readonly file: string,
    readonly reason: string,
    location: MessageFileLocation = {},
  ) {
    const where = location.line !== undefined ? `:${location.line}` : location.offset !== undefined ? ` at byte ${location.offset}` : '';
    super(`${file}${where}: ${reason}`);
    this.line = location.line;
    this.offset = location.offset;
  }
}

/** Thrown when a value does not fit the message model or its declared dtype; `path` names it. */
export class MessageError extends StallbenchError {
  readonly cliExitCode = 2;
  override readonly name = 'MessageError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path === '' ? '(message)' : path}: ${reason}`);
  }
}

/** Thrown when a delta does not follow the state it is applied to (out of order, or before any full message). */
export class MessageDeltaError extends StallbenchError {
  readonly cliExitCode = 1;
  override readonly name = 'MessageDeltaError';
  constructor(
    readonly expectedStep: number | null,
    readonly gotStep: number,
    readonly reason: string,
  ) {
    super(`delta for step ${gotStep}: ${reason}`);
  }
}

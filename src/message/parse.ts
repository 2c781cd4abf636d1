import { Unpackr } from 'msgpackr';
import { requireInt } from '../options.js';
import { columnarFromPlain, describeValue } from './boxed.js';
import { dtypeOf } from './dtypes.js';
import { MessageError, MessageFileError, type MessageFileLocation } from './errors.js';
import { findOverflowingNumber, findUnsafeInteger, parsePythonJson } from './json-text.js';
import { itemPath, keyPath } from './paths.js';
import { MAX_MESSAGE_DEPTH, isRecord } from './record.js';
import type { Dtype, DtypeMap, MessageRecord } from './types.js';

/**
 * Turning raw messages into columnar ones, across the whole sequence:
 * - a path's dtype is the declared one (sidecar), else the dtype of the typed arrays a MessagePack stream
 *   holds there, else, when every list at that path in every step holds only numbers, int32 if every one of
 *   those numbers is an integer in int32 range (not -0) and float64 otherwise; a path whose lists hold
 *   anything else in any step keeps plain lists in every step, so no field flips kind between steps;
 * - an empty list at a path with a dtype becomes an empty typed array of that dtype; elsewhere it stays an
 *   empty plain list (every codec carries both);
 * - scalar numbers stay numbers (a dtype declared for a scalar path is checked, not applied); -0 and NaN are
 *   kept wherever they are (msgpackr and cbor-x write a plain-number -0 as the integer 0, so a message with one
 *   fails those codecs' round-trip gate rather than being measured wrong);
 * - the key `__proto__` is refused: msgpackr and cbor-x rename it on decode.
 */

/** Bounds that make parsing refuse absurd input before it allocates for it. */
export interface ParseLimits {
  /** Most messages a file may hold. @default 1_000_000 */
  maxMessages?: number;
  /** Longest list or array a message may hold. @default 134_217_728 */
  maxArrayLength?: number;
  /** Deepest nesting of lists and records (the message itself is depth 1). @default 64 */
  maxDepth?: number;
}

/** Which container format the bytes are. */
export type MessageFileFormat = 'jsonl' | 'msgpack';

/** Options of parseMessages. */
export interface ParseMessagesOptions extends ParseLimits {
  format: MessageFileFormat;
  /** Name used in errors and in the sequence's `source`. */
  source: string;
  /** Declared dtypes (a sidecar's content), by generic path. */
  dtypes?: DtypeMap;
}

/** Defaults of ParseLimits. */
export const DEFAULT_LIMITS: Required<ParseLimits> = { maxMessages: 1_000_000, maxArrayLength: 2 ** 27, maxDepth: 64 };

interface Raw {
  value: unknown;
  where: MessageFileLocation;
}

interface PathStats {
  numberLists: boolean;
  otherLists: boolean;
  int32: boolean;
  typed: Dtype | null;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const TWO_53 = 2 ** 53;

class Survey {
  readonly stats = new Map<string, PathStats>();
  bigInteger = false;
  /** Paths of the current message that hold NaN or ±Infinity, with the first such value at each. */
  nonFinite = new Map<string, number>();

  constructor(private readonly limits: Required<ParseLimits>) {}

  private at(path: string): PathStats {
    let s = this.stats.get(path);
    if (s === undefined) {
      s = { numberLists: false, otherLists: false, int32: true, typed: null };
      this.stats.set(path, s);
    }
    return s;
  }

  private number(n: number, path: string): void {
    if (Number.isInteger(n) && Math.abs(n) >= TWO_53) this.bigInteger = true;
    if (!Number.isFinite(n) && !this.nonFinite.has(path)) this.nonFinite.set(path, n);
  }

  value(value: unknown, path: string, depth: number): void {
    if (typeof value === 'number') return this.number(value, path);
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'bigint') throw new MessageError(path, `integer ${value} is beyond ±2^53 and would lose precision`);
    if (depth > this.limits.maxDepth) throw new MessageError(path, `nested deeper than maxDepth ${this.limits.maxDepth}`);
    if (Array.isArray(value)) return this.list(value, path, depth);
    const dtype = dtypeOf(value);
    if (dtype !== null) {
      const length = (value as ArrayLike<number>).length;
      if (length > this.limits.maxArrayLength) throw new MessageError(path, `array of ${length} exceeds maxArrayLength ${this.limits.maxArrayLength}`);
      const s = this.at(path);
      if (s.typed !== null && s.typed !== dtype) throw new MessageError(path, `holds ${s.typed} arrays in one message and ${dtype} in another`);
      s.typed = dtype;
      return;
    }
    if (!isRecord(value)) {
      const kind = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
      throw new MessageError(path, `${kind} is not a message value`);
    }
    this.record(value, path, depth);
  }

  record(record: Record<string, unknown>, path: string, depth: number): void {
    for (const key of Object.keys(record)) {
      if (key === '__proto__') throw new MessageError(keyPath(path, key), 'the key __proto__ is not supported (msgpackr and cbor-x rename it)');
      this.value(record[key], keyPath(path, key), depth + 1);
    }
  }

  private list(list: unknown[], path: string, depth: number): void {
    if (list.length > this.limits.maxArrayLength) {
      throw new MessageError(path, `list of ${list.length} exceeds maxArrayLength ${this.limits.maxArrayLength}`);
    }
    if (list.length === 0) return;
    let numbers = true;
    let int32 = true;
    for (const item of list) {
      if (typeof item !== 'number') {
        numbers = false;
        break;
      }
      if (int32 && !(Number.isInteger(item) && item >= INT32_MIN && item <= INT32_MAX && !Object.is(item, -0))) int32 = false;
      this.number(item, path);
    }
    const s = this.at(path);
    if (numbers) {
      s.numberLists = true;
      s.int32 &&= int32;
      return;
    }
    s.otherLists = true;
    for (const item of list) this.value(item, itemPath(path), depth + 1);
  }
}

function resolveDtypes(stats: Map<string, PathStats>, declared: DtypeMap): DtypeMap {
  const dtypes: DtypeMap = {};
  for (const [path, dtype] of Object.entries(declared)) dtypes[path] = dtype;
  for (const [path, s] of stats) {
    if (Object.hasOwn(dtypes, path)) continue;
    if (s.typed !== null) dtypes[path] = s.typed;
    else if (s.numberLists && !s.otherLists) dtypes[path] = s.int32 ? 'int32' : 'float64';
  }
  return dtypes;
}

function fail(source: string, where: MessageFileLocation, error: unknown): never {
  if (error instanceof MessageError) throw new MessageFileError(source, error.message, where);
  throw error;
}

function* jsonLines(bytes: Uint8Array): Generator<{ line: number; bytes: Uint8Array }> {
  let start = 0;
  let line = 1;
  while (start < bytes.byteLength) {
    let end = bytes.indexOf(10, start);
    if (end === -1) end = bytes.byteLength;
    yield { line, bytes: bytes.subarray(start, end) };
    start = end + 1;
    line++;
  }
}

const isFloat = (dtype: string | undefined): boolean => dtype === 'float32' || dtype === 'float64';

function readJsonLines(bytes: Uint8Array, source: string, limits: Required<ParseLimits>, survey: Survey, declared: DtypeMap): Raw[] {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const raws: Raw[] = [];
  for (const { line, bytes: lineBytes } of jsonLines(bytes)) {
    const where = { line };
    let text: string;
    try {
      text = decoder.decode(lineBytes);
    } catch {
      throw new MessageFileError(source, 'line is not valid UTF-8', where);
    }
    if (text.trim() === '') continue;
    if (raws.length >= limits.maxMessages) throw new MessageFileError(source, `more than maxMessages ${limits.maxMessages} messages`, where);
    let value: unknown;
    try {
      value = parsePythonJson(text);
    } catch (error) {
      throw new MessageFileError(source, `malformed JSON: ${error instanceof Error ? error.message : String(error)}`, where);
    }
    if (!isRecord(value)) throw new MessageFileError(source, `top level is ${describeValue(value)}, not a record`, where);
    survey.bigInteger = false;
    survey.nonFinite.clear();
    try {
      survey.record(value, '', 1);
    } catch (error) {
      fail(source, where, error);
    }
    // Python writes its inf and nan as the bare tokens; a literal like 1e400 silently reads as Infinity, so it is
    // refused unless every path holding a non-finite number here is declared float.
    if (survey.nonFinite.size > 0 && ![...survey.nonFinite.keys()].every((path) => isFloat(declared[path]))) {
      const literal = findOverflowingNumber(text);
      if (literal !== null) {
        const paths = [...survey.nonFinite.keys()].filter((path) => !isFloat(declared[path]));
        throw new MessageFileError(source, `${literal} is beyond float64 and would read as Infinity (at ${paths.join(', ')}); write Infinity, or declare the path float64 in the dtype sidecar`, where);
      }
    }
    if (survey.bigInteger) {
      const token = findUnsafeInteger(text);
      if (token !== null) throw new MessageFileError(source, `integer ${token} is beyond ±2^53 and would lose precision; declare it as a float or a string`, where);
    }
    raws.push({ value, where });
  }
  return raws;
}

function readMsgpack(bytes: Uint8Array, source: string, limits: Required<ParseLimits>, survey: Survey): Raw[] {
  // 'auto' (numbers when safe, BigInt beyond ±2^53) is in msgpackr's runtime but not its typings.
  const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'auto' as 'bigint' });
  const raws: Raw[] = [];
  let tooMany = -1;
  try {
    unpackr.unpackMultiple(bytes, (value: unknown, start = 0) => {
      if (raws.length >= limits.maxMessages) {
        tooMany = start;
        return false;
      }
      raws.push({ value, where: { offset: start } });
      return true;
    });
  } catch (error) {
    const offset = (error as { lastPosition?: unknown }).lastPosition;
    const where = typeof offset === 'number' ? { offset } : {};
    throw new MessageFileError(source, `malformed MessagePack: ${error instanceof Error ? error.message : String(error)}`, where);
  }
  if (tooMany >= 0) throw new MessageFileError(source, `more than maxMessages ${limits.maxMessages} messages`, { offset: tooMany });
  for (const raw of raws) {
    if (!isRecord(raw.value)) throw new MessageFileError(source, `top level is ${describeValue(raw.value)}, not a map`, raw.where);
    try {
      survey.record(raw.value, '', 1);
    } catch (error) {
      fail(source, raw.where, error);
    }
  }
  return raws;
}

/** Parses a JSON Lines or MessagePack stream of messages into columnar messages with one dtype per numeric path; throws MessageFileError naming the line or byte offset at fault. */
export function parseMessages(bytes: Uint8Array, options: ParseMessagesOptions): { messages: MessageRecord[]; dtypes: DtypeMap } {
  const limits = resolveLimits(options);
  const { source } = options;
  const survey = new Survey(limits);
  const raws = options.format === 'jsonl' ? readJsonLines(bytes, source, limits, survey, options.dtypes ?? {}) : readMsgpack(bytes, source, limits, survey);
  if (raws.length === 0) throw new MessageFileError(source, 'holds no messages');
  const dtypes = resolveDtypes(survey.stats, options.dtypes ?? {});
  const messages = raws.map((raw) => {
    try {
      return columnarFromPlain(raw.value as Record<string, unknown>, dtypes);
    } catch (error) {
      return fail(source, raw.where, error);
    }
  });
  return { messages, dtypes };
}

/** Checks and defaults parse limits; throws OptionsError for a limit that makes no sense. */
export function resolveLimits(options: ParseLimits): Required<ParseLimits> {
  return {
    maxMessages: requireInt('maxMessages', options.maxMessages ?? DEFAULT_LIMITS.maxMessages, 1, 2 ** 31),
    maxArrayLength: requireInt('maxArrayLength', options.maxArrayLength ?? DEFAULT_LIMITS.maxArrayLength, 0, 2 ** 31),
    maxDepth: requireInt('maxDepth', options.maxDepth ?? DEFAULT_LIMITS.maxDepth, 1, MAX_MESSAGE_DEPTH),
  };
}

import { DTYPE_ARRAY, dtypeOf, fitsDtype, numericArrayFrom } from './dtypes.js';
import { MessageError } from './errors.js';
import { itemPath, keyPath } from './paths.js';
import { isRecord, setField } from './record.js';
import type { BoxedMessageRecord, BoxedMessageValue, DtypeMap, MessageRecord, MessageValue } from './types.js';

function boxValue(value: MessageValue): BoxedMessageValue {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(boxValue);
  if (ArrayBuffer.isView(value)) return Array.from(value);
  return toBoxedMessage(value);
}

/** The same message with every typed array as a plain number[] list: what the boxed codecs carry. */
export function toBoxedMessage(message: MessageRecord): BoxedMessageRecord {
  const out: BoxedMessageRecord = {};
  for (const key of Object.keys(message)) setField(out, key, boxValue(message[key] as MessageValue));
  return out;
}

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a record';
  return dtypeOf(value) !== null ? `a ${dtypeOf(value) ?? ''} array` : typeof value;
}

function columnarValue(value: unknown, path: string, dtypes: DtypeMap): MessageValue {
  const dtype = Object.hasOwn(dtypes, path) ? dtypes[path] : undefined;
  if (typeof value === 'number') {
    if (dtype === undefined || fitsDtype(value, dtype)) return value;
    throw new MessageError(path, `${describeValue(value)} does not fit ${dtype}`);
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    if (dtype !== undefined) throw new MessageError(path, `declared ${dtype} but holds ${describeValue(value)}`);
    return value;
  }
  if (Array.isArray(value)) {
    if (dtype === undefined) return value.map((item) => columnarValue(item, itemPath(path), dtypes));
    const array = numericArrayFrom(value, dtype);
    if ('badIndex' in array) throw new MessageError(`${path}[${array.badIndex}]`, `${describeValue(value[array.badIndex])} does not fit ${dtype}`);
    return array;
  }
  const own = dtypeOf(value);
  if (own !== null) {
    const typed = value as ArrayLike<number>;
    // Always a copy: a MessagePack bin string is a view into the whole file's buffer.
    if (dtype === undefined || dtype === own) return new DTYPE_ARRAY[own](typed);
    const array = numericArrayFrom(Array.from(typed), dtype);
    if ('badIndex' in array) throw new MessageError(`${path}[${array.badIndex}]`, `${typed[array.badIndex]} (${own}) does not fit ${dtype}`);
    return array;
  }
  if (!isRecord(value)) throw new MessageError(path, `${describeValue(value)} is not a message value`);
  if (dtype !== undefined) throw new MessageError(path, `declared ${dtype} but holds a record`);
  return columnarRecord(value, path, dtypes);
}

function columnarRecord(record: Record<string, unknown>, path: string, dtypes: DtypeMap): MessageRecord {
  const out: MessageRecord = {};
  for (const key of Object.keys(record)) setField(out, key, columnarValue(record[key], keyPath(path, key), dtypes));
  return out;
}

/** Turns plain data into a columnar message: lists (and typed arrays of another dtype) at paths with a dtype become typed arrays of it; throws MessageError on a value the dtype cannot hold. */
export function columnarFromPlain(record: Record<string, unknown>, dtypes: DtypeMap): MessageRecord {
  return columnarRecord(record, '', dtypes);
}

/** Turns a boxed message back into columnar form using the sequence's dtypes; throws MessageError on a value a dtype cannot hold. */
export function fromBoxedMessage(boxed: BoxedMessageRecord, dtypes: DtypeMap): MessageRecord {
  return columnarRecord(boxed, '', dtypes);
}

import { DecodeError } from '../errors.js';
import { DTYPE_ARRAY, DTYPES, dtypeOf, numericArrayFromBytes } from '../message/dtypes.js';
import { itemPath, keyPath } from '../message/paths.js';
import { MAX_MESSAGE_DEPTH, setField } from '../message/record.js';
import type { Dtype, MessageRecord, MessageValue, NumericArray } from '../message/types.js';

/**
 * The generic columnar envelope (schemas/envelope.fbs, schemas/envelope.proto, and the shm codec's
 * descriptor): a message's values in pre-order, the message itself first, as one kind byte each; the
 * child counts of lists and records, the record keys, the scalar numbers (float64) and strings each in
 * their own sequence, in the same order; and one column per numeric array: its generic path, dtype and
 * little-endian bytes. A decoder walks the kinds and must use up every sequence exactly, so a cut or
 * shifted frame fails rather than yielding a shorter message.
 */

/** Kind byte of each value in the envelope. */
export const KIND = { null: 0, false: 1, true: 2, number: 3, string: 4, array: 5, list: 6, record: 7 } as const;

/** A message taken apart into the envelope's sequences. */
export interface FlatMessage {
  kinds: Uint8Array;
  counts: Uint32Array;
  keys: string[];
  numbers: Float64Array;
  strings: string[];
  columns: NumericArray[];
  /** Generic path of each column; empty unless asked for. */
  paths: string[];
}

/** Envelope dtype code (schemas' Dtype enum): 0 is unspecified, then int8 … float64. */
export function dtypeCode(dtype: Dtype): number {
  return DTYPES.indexOf(dtype) + 1;
}

class Flattener {
  readonly kinds: number[] = [];
  readonly counts: number[] = [];
  readonly keys: string[] = [];
  readonly numbers: number[] = [];
  readonly strings: string[] = [];
  readonly columns: NumericArray[] = [];
  readonly paths: string[] = [];

  constructor(private readonly withPaths: boolean) {}

  value(value: MessageValue, path: string): void {
    if (value === null) this.kinds.push(KIND.null);
    else if (typeof value === 'boolean') this.kinds.push(value ? KIND.true : KIND.false);
    else if (typeof value === 'number') {
      this.kinds.push(KIND.number);
      this.numbers.push(value);
    } else if (typeof value === 'string') {
      this.kinds.push(KIND.string);
      this.strings.push(value);
    } else if (Array.isArray(value)) {
      this.kinds.push(KIND.list);
      this.counts.push(value.length);
      const inner = this.withPaths ? itemPath(path) : '';
      for (const item of value) this.value(item, inner);
    } else if (ArrayBuffer.isView(value)) {
      this.kinds.push(KIND.array);
      this.columns.push(value);
      if (this.withPaths) this.paths.push(path);
    } else {
      this.record(value, path);
    }
  }

  record(record: MessageRecord, path: string): void {
    const keys = Object.keys(record);
    this.kinds.push(KIND.record);
    this.counts.push(keys.length);
    for (const key of keys) {
      this.keys.push(key);
      this.value(record[key] as MessageValue, this.withPaths ? keyPath(path, key) : '');
    }
  }
}

/** Takes a message apart into the envelope's sequences; `paths` also names each column by generic path. */
export function flattenMessage(message: MessageRecord, options: { paths?: boolean } = {}): FlatMessage {
  const f = new Flattener(options.paths === true);
  f.record(message, '');
  return {
    kinds: Uint8Array.from(f.kinds),
    counts: Uint32Array.from(f.counts),
    keys: f.keys,
    numbers: Float64Array.from(f.numbers),
    strings: f.strings,
    columns: f.columns,
    paths: f.paths,
  };
}

/** A sequence a decoder reads by index: an array, or a lazy accessor over a FlatBuffers vector. */
export interface Items<T> {
  readonly length: number;
  at(index: number): T;
}

/** Wraps an array-like as Items. */
export function items<T>(values: ArrayLike<T>): Items<T> {
  return { length: values.length, at: (i) => values[i] as T };
}

/** The envelope's sequences as a decoder found them. */
export interface EnvelopeParts {
  kinds: Uint8Array;
  counts: ArrayLike<number>;
  keys: Items<string>;
  numbers: ArrayLike<number>;
  strings: Items<string>;
  columns: Items<NumericArray>;
}

/** Builds column `index`'s typed array from its dtype code, element count and bytes, checking they agree; `view` returns a zero-copy view when the bytes are aligned. */
export function columnArray(codec: string, code: number, length: number, bytes: Uint8Array, view = false): NumericArray {
  const dtype = DTYPES[code - 1];
  if (dtype === undefined) throw new DecodeError(codec, `unknown dtype code ${code}`);
  const ctor = DTYPE_ARRAY[dtype];
  if (bytes.byteLength !== length * ctor.BYTES_PER_ELEMENT) {
    throw new DecodeError(codec, `${dtype} column of ${length} elements holds ${bytes.byteLength} bytes`);
  }
  if (view && bytes.byteOffset % ctor.BYTES_PER_ELEMENT === 0) return new ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, length);
  return numericArrayFromBytes(bytes, dtype) ?? new ctor(0);
}

class Unflattener {
  private k = 0;
  private c = 0;
  private key = 0;
  private n = 0;
  private s = 0;
  private col = 0;

  constructor(
    private readonly codec: string,
    private readonly p: EnvelopeParts,
  ) {}

  private fail(reason: string): never {
    throw new DecodeError(this.codec, reason);
  }

  private count(): number {
    if (this.c >= this.p.counts.length) this.fail('envelope has fewer counts than its lists and records');
    const count = this.p.counts[this.c++] ?? 0;
    // Every child takes at least one kind byte: a count beyond what is left is corrupt, and refused before allocating.
    if (count > this.p.kinds.length - this.k) this.fail(`count ${count} exceeds the ${this.p.kinds.length - this.k} values left`);
    return count;
  }

  value(depth: number): MessageValue {
    const { p } = this;
    if (this.k >= p.kinds.length) this.fail('envelope structure ends early');
    const kind = p.kinds[this.k++];
    switch (kind) {
      case KIND.null:
        return null;
      case KIND.false:
        return false;
      case KIND.true:
        return true;
      case KIND.number:
        if (this.n >= p.numbers.length) this.fail('envelope has fewer numbers than its structure');
        return p.numbers[this.n++] ?? 0;
      case KIND.string:
        if (this.s >= p.strings.length) this.fail('envelope has fewer strings than its structure');
        return p.strings.at(this.s++);
      case KIND.array:
        if (this.col >= p.columns.length) this.fail('envelope has fewer columns than its structure');
        return p.columns.at(this.col++);
      case KIND.list: {
        if (depth >= MAX_MESSAGE_DEPTH) this.fail(`nested deeper than ${MAX_MESSAGE_DEPTH}`);
        const count = this.count();
        const list: MessageValue[] = [];
        for (let i = 0; i < count; i++) list.push(this.value(depth + 1));
        return list;
      }
      case KIND.record:
        if (depth >= MAX_MESSAGE_DEPTH) this.fail(`nested deeper than ${MAX_MESSAGE_DEPTH}`);
        return this.record(depth);
      default:
        return this.fail(`unknown kind ${String(kind)}`);
    }
  }

  record(depth: number): MessageRecord {
    const count = this.count();
    if (count > this.p.keys.length - this.key) this.fail(`record of ${count} fields exceeds the keys left`);
    const record: MessageRecord = {};
    for (let i = 0; i < count; i++) {
      const key = this.p.keys.at(this.key++);
      if (Object.hasOwn(record, key)) this.fail(`key ${JSON.stringify(key)} twice in one record`);
      setField(record, key, this.value(depth + 1));
    }
    return record;
  }

  root(): MessageRecord {
    if (this.p.kinds[0] !== KIND.record) this.fail('envelope holds no record');
    this.k = 1;
    const message = this.record(1);
    const { p } = this;
    if (this.k !== p.kinds.length || this.c !== p.counts.length || this.key !== p.keys.length) this.fail('envelope has values its structure does not use');
    if (this.n !== p.numbers.length || this.s !== p.strings.length || this.col !== p.columns.length) this.fail('envelope has values its structure does not use');
    return message;
  }
}

/** Rebuilds a message from the envelope's sequences; throws DecodeError unless the structure uses every sequence exactly. */
export function unflattenMessage(codec: string, parts: EnvelopeParts): MessageRecord {
  return new Unflattener(codec, parts).root();
}

/** Dtype code of a typed array in the envelope. */
export function columnCode(array: NumericArray): number {
  return dtypeCode(dtypeOf(array) ?? 'uint8');
}

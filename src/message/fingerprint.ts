import { createHash, type Hash } from 'node:crypto';
import { bytesOf } from '../codecs/frames.js';
import { DTYPES, dtypeOf } from './dtypes.js';
import type { MessageRecord, MessageValue, NumericArray } from './types.js';

// One tag byte per kind; dtype tags follow (16 + dtype index), so a typed array never hashes like a list.
const TAG = { null: 0, false: 1, true: 2, number: 3, string: 4, list: 5, record: 6 } as const;

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

function writeString(hash: Hash, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  hash.update(u32(bytes.byteLength));
  hash.update(bytes);
}

function writeValue(hash: Hash, value: MessageValue): void {
  if (value === null) return void hash.update(Uint8Array.of(TAG.null));
  if (typeof value === 'boolean') return void hash.update(Uint8Array.of(value ? TAG.true : TAG.false));
  if (typeof value === 'number') {
    const bytes = new Uint8Array(9);
    bytes[0] = TAG.number;
    // Every NaN hashes alike; -0 and 0 differ.
    new DataView(bytes.buffer).setFloat64(1, Number.isNaN(value) ? NaN : value, true);
    return void hash.update(bytes);
  }
  if (typeof value === 'string') {
    hash.update(Uint8Array.of(TAG.string));
    return writeString(hash, value);
  }
  if (Array.isArray(value)) {
    hash.update(Uint8Array.of(TAG.list));
    hash.update(u32(value.length));
    for (const item of value) writeValue(hash, item);
    return;
  }
  const dtype = dtypeOf(value);
  if (dtype !== null) {
    const array = value as NumericArray;
    hash.update(Uint8Array.of(16 + DTYPES.indexOf(dtype)));
    hash.update(u32(array.length));
    // Little-endian bytes on every machine stallbench runs on (x86-64, arm64).
    return void hash.update(bytesOf(array));
  }
  writeRecord(hash, value as MessageRecord);
}

function writeRecord(hash: Hash, record: MessageRecord): void {
  const keys = Object.keys(record);
  hash.update(Uint8Array.of(TAG.record));
  hash.update(u32(keys.length));
  for (const key of keys) {
    writeString(hash, key);
    writeValue(hash, record[key] as MessageValue);
  }
}

/** SHA-256 (hex) of a message's canonical form: keys in the order given, dtypes and exact bits included, every NaN scalar alike. */
export function messageFingerprint(message: MessageRecord): string {
  const hash = createHash('sha256');
  writeRecord(hash, message);
  return hash.digest('hex');
}

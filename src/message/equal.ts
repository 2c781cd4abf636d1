import { bytesOf } from '../codecs/frames.js';
import { dtypeOf } from './dtypes.js';
import { escapeKey } from './paths.js';
import { isRecord } from './record.js';
import type { MessageRecord, MessageValue, NumericArray } from './types.js';

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  const dtype = dtypeOf(value);
  if (dtype !== null) return `${dtype} array`;
  if (isRecord(value)) return 'record';
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return Object.is(value, -0) ? '-0' : String(value);
}

function diffArrays(a: NumericArray, b: NumericArray, path: string): string | null {
  if (a.length !== b.length) return `${path}.length: ${a.length} vs ${b.length}`;
  const x = bytesOf(a);
  const y = bytesOf(b);
  if (Buffer.compare(x, y) === 0) return null;
  // Bytes, not values: NaN equals the same NaN, and -0 differs from 0.
  let i = 0;
  while (x[i] === y[i]) i++;
  const at = Math.floor(i / a.BYTES_PER_ELEMENT);
  return `${path}[${at}]: ${show(a[at])} vs ${show(b[at])}`;
}

function diffValue(a: unknown, b: unknown, path: string): string | null {
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return `${path}: ${kind} vs ${kindOf(b)}`;
  if (typeof a === 'number') return Object.is(a, b) ? null : `${path}: ${show(a)} vs ${show(b)}`;
  if (typeof a !== 'object' || a === null) return a === b ? null : `${path}: ${show(a)} vs ${show(b)}`;
  if (Array.isArray(a)) {
    const list = b as unknown[];
    if (a.length !== list.length) return `${path}.length: ${a.length} vs ${list.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = diffValue(a[i], list[i], `${path}/${i}`);
      if (d !== null) return d;
    }
    return null;
  }
  if (ArrayBuffer.isView(a)) return diffArrays(a as NumericArray, b as NumericArray, path);
  return diffRecords(a as Record<string, unknown>, b as Record<string, unknown>, path);
}

function diffRecords(a: Record<string, unknown>, b: Record<string, unknown>, path: string): string | null {
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  for (const key of keysA) if (!Object.hasOwn(b, key)) return `${path}/${escapeKey(key)}: missing`;
  for (const key of keysB) if (!Object.hasOwn(a, key)) return `${path}/${escapeKey(key)}: unexpected`;
  for (let i = 0; i < keysA.length; i++) {
    if (keysA[i] !== keysB[i]) return `${path || '(message)'}: key order ${keysA.join(',')} vs ${keysB.join(',')}`;
  }
  for (const key of keysA) {
    const d = diffValue(a[key], b[key], `${path}/${escapeKey(key)}`);
    if (d !== null) return d;
  }
  return null;
}

/** Describes the first difference between two messages as `concrete path: expected vs actual` (key order, dtype and bits count), or returns null when they are identical. */
export function diffMessages(expected: MessageRecord, actual: MessageRecord): string | null {
  return diffValue(expected, actual, '');
}

/** True when two message values are identical: same kind, dtype, key order and bits. */
export function sameValue(a: MessageValue, b: MessageValue): boolean {
  return diffValue(a, b, '') === null;
}

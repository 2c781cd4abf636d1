import { bytesOf } from '../codecs/frames.js';
import { dtypeOf } from './dtypes.js';
import { sameValue } from './equal.js';
import { LIST_ITEM } from './paths.js';
import { isRecord, setField } from './record.js';
import type { DtypeMap, MessageRecord, MessageValue, NumericArray } from './types.js';

/**
 * A message delta is itself a MessageRecord, so every codec carries it:
 * - `{ step, full: message }`: a keyframe (no previous message, or the top level's key order changed);
 * - `{ step, changes }` where changes (and each nested one) is
 *   `{ set?: { key: value }, append?: { key: tail }, nested?: { key: changes }, removed?: [key] }`:
 *   `set` holds new and changed fields whole, `append` the new elements of a typed array whose old content is
 *   a prefix of its new one, `nested` the changes inside a record present in both, `removed` the keys gone.
 * New keys go after the kept ones; a record whose key order changed otherwise is sent whole.
 * `step` is the index of the message the delta rebuilds; a rank applies changes only to step − 1.
 */

/** One record's changes between two steps. */
export interface RecordChanges {
  set?: MessageRecord;
  append?: Record<string, NumericArray>;
  nested?: Record<string, RecordChanges>;
  removed?: string[];
}

function keptOrder(previous: MessageRecord, next: MessageRecord, nextKeys: readonly string[]): boolean {
  const expected = Object.keys(previous).filter((k) => Object.hasOwn(next, k));
  for (const key of nextKeys) if (!Object.hasOwn(previous, key)) expected.push(key);
  return expected.every((key, i) => key === nextKeys[i]);
}

function grewFrom(previous: MessageValue, next: MessageValue): NumericArray | null {
  const dtype = dtypeOf(previous);
  if (dtype === null || dtype !== dtypeOf(next)) return null;
  const a = previous as NumericArray;
  const b = next as NumericArray;
  if (b.length < a.length || Buffer.compare(bytesOf(a), bytesOf(b.subarray(0, a.length))) !== 0) return null;
  return b.subarray(a.length);
}

/** Changes that turn `previous` into `next`, or null when the key order changed so that the record must be sent whole. */
export function recordChanges(previous: MessageRecord, next: MessageRecord): RecordChanges | null {
  const nextKeys = Object.keys(next);
  if (!keptOrder(previous, next, nextKeys)) return null;
  const set: MessageRecord = {};
  const append: Record<string, NumericArray> = {};
  const nested: Record<string, RecordChanges> = {};
  const changes: RecordChanges = {};
  for (const key of nextKeys) {
    const after = next[key] as MessageValue;
    if (!Object.hasOwn(previous, key)) {
      setField(set, key, after);
      continue;
    }
    const before = previous[key] as MessageValue;
    if (isRecord(before) && isRecord(after)) {
      const inner = recordChanges(before as MessageRecord, after as MessageRecord);
      if (inner === null) setField(set, key, after);
      else if (Object.keys(inner).length > 0) setField(nested, key, inner);
      continue;
    }
    const tail = grewFrom(before, after);
    if (tail !== null) {
      if (tail.length > 0) setField(append, key, tail);
    } else if (!sameValue(before, after)) {
      setField(set, key, after);
    }
  }
  const removed = Object.keys(previous).filter((k) => !Object.hasOwn(next, k));
  if (Object.keys(set).length > 0) changes.set = set;
  if (Object.keys(append).length > 0) changes.append = append;
  if (Object.keys(nested).length > 0) changes.nested = nested;
  if (removed.length > 0) changes.removed = removed;
  return changes;
}

/** The delta that rebuilds `next` (message number `step`) from `previous`; a keyframe when previous is null. */
export function messageDelta(previous: MessageRecord | null, next: MessageRecord, step: number): MessageRecord {
  const changes = previous === null ? null : recordChanges(previous, next);
  return changes === null ? { step, full: next } : { step, changes: changes as MessageRecord };
}

/** Dtypes of a delta's numeric paths, given the messages' dtypes: what a boxed codec needs to turn a decoded delta back into columnar form. */
export function messageDeltaDtypes(dtypes: DtypeMap): DtypeMap {
  const out: DtypeMap = {};
  for (const [path, dtype] of Object.entries(dtypes)) {
    out[`/full${path}`] = dtype;
    const segments = path.split('/').slice(1);
    const firstItem = segments.indexOf(LIST_ITEM);
    const keys = firstItem === -1 ? segments.length : firstItem;
    for (let j = 0; j < keys; j++) {
      const into = segments.slice(0, j).map((key) => `/nested/${key}`).join('');
      out[`/changes${into}/set/${segments.slice(j).join('/')}`] = dtype;
    }
    if (firstItem === -1 && keys > 0) {
      const into = segments.slice(0, -1).map((key) => `/nested/${key}`).join('');
      out[`/changes${into}/append/${segments[keys - 1] ?? ''}`] = dtype;
    }
  }
  return out;
}

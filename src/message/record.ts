import { dtypeOf } from './dtypes.js';
import { MessageError } from './errors.js';
import { itemPath, keyPath } from './paths.js';
import type { DtypeMap, MessageRecord } from './types.js';

/** Deepest nesting any message may have; loaders and decoders refuse deeper values before recursing further. */
export const MAX_MESSAGE_DEPTH = 512;

/** True for a plain object (prototype Object.prototype or null): the only thing that is a record. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sets `record[key]` as an own property, even for the key `__proto__` (plain assignment would change the prototype). */
export function setField<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** Where a value breaks the message model, and why. */
export interface Invalid {
  path: string;
  reason: string;
}

function invalidValue(value: unknown, path: string, boxed: boolean, depth: number): Invalid | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return null;
  if (depth > MAX_MESSAGE_DEPTH) return { path, reason: `nested deeper than ${MAX_MESSAGE_DEPTH}` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // Numbers and strings are nearly every item of a boxed list: no path is built for them (a step holds millions).
      if (typeof item === 'number' || typeof item === 'string' || typeof item === 'boolean' || item === null) continue;
      const bad = invalidValue(item, `${path}/${i}`, boxed, depth + 1);
      if (bad !== null) return bad;
    }
    return null;
  }
  if (isRecord(value)) return invalidFields(value, path, boxed, depth + 1);
  if (!boxed && dtypeOf(value) !== null) return null;
  const kind = typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  return { path, reason: `${kind} is not a ${boxed ? 'boxed ' : ''}message value` };
}

function invalidFields(record: Record<string, unknown>, path: string, boxed: boolean, depth: number): Invalid | null {
  for (const key of Object.keys(record)) {
    const bad = invalidValue(record[key], keyPath(path, key), boxed, depth);
    if (bad !== null) return bad;
  }
  return null;
}

/** Finds the first place where `value` is not a message record of the given form (columnar allows typed arrays, boxed does not), or null. */
export function findInvalid(value: unknown, form: 'columnar' | 'boxed'): Invalid | null {
  if (!isRecord(value)) return { path: '', reason: 'top level is not a record' };
  return invalidFields(value, '', form === 'boxed', 1);
}

function collectDtypes(value: unknown, path: string, dtypes: DtypeMap): void {
  if (typeof value !== 'object' || value === null) return;
  const dtype = dtypeOf(value);
  if (dtype !== null) {
    const seen = dtypes[path];
    if (seen !== undefined && seen !== dtype) throw new MessageError(path, `holds ${seen} in one message and ${dtype} in another`);
    dtypes[path] = dtype;
  } else if (Array.isArray(value)) {
    for (const item of value) collectDtypes(item, itemPath(path), dtypes);
  } else {
    for (const [key, field] of Object.entries(value)) collectDtypes(field, keyPath(path, key), dtypes);
  }
}

/** The dtype of every typed array in the messages, by generic path; throws MessageError when one path holds two dtypes. */
export function messageDtypes(messages: Iterable<MessageRecord>): DtypeMap {
  const dtypes: DtypeMap = {};
  for (const message of messages) collectDtypes(message, '', dtypes);
  return dtypes;
}

import { DTYPE_ARRAY, dtypeOf } from './dtypes.js';
import { MessageDeltaError } from './errors.js';
import { isRecord, setField } from './record.js';
import type { MessageRecord, MessageValue, NumericArray } from './types.js';

/** A typed array with spare capacity at the end, so appends cost what they add (doubling on overflow). */
interface Growable {
  buffer: NumericArray;
  length: number;
}

/** One record of the rank's state: the record handed out, plus its typed-array fields' buffers and nested records. */
interface StateRecord {
  view: MessageRecord;
  arrays: Map<string, Growable>;
  records: Map<string, StateRecord>;
}

function copyArray(array: NumericArray): Growable {
  const dtype = dtypeOf(array) ?? 'uint8';
  const buffer = new DTYPE_ARRAY[dtype](array.length);
  buffer.set(array);
  return { buffer, length: array.length };
}

/** A deep copy: decoded values may be views into frames or shared memory that the next step reuses. */
function copyValue(value: MessageValue): MessageValue {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyValue);
  if (ArrayBuffer.isView(value)) return copyArray(value).buffer;
  const out: MessageRecord = {};
  for (const key of Object.keys(value)) setField(out, key, copyValue(value[key] as MessageValue));
  return out;
}

function stateOf(record: MessageRecord): StateRecord {
  const state: StateRecord = { view: {}, arrays: new Map(), records: new Map() };
  for (const key of Object.keys(record)) setValue(state, key, record[key] as MessageValue);
  return state;
}

function setValue(state: StateRecord, key: string, value: MessageValue): void {
  state.arrays.delete(key);
  state.records.delete(key);
  if (isRecord(value)) {
    const child = stateOf(value as MessageRecord);
    state.records.set(key, child);
    setField(state.view, key, child.view);
  } else if (ArrayBuffer.isView(value)) {
    const growable = copyArray(value);
    state.arrays.set(key, growable);
    setField(state.view, key, growable.buffer);
  } else {
    setField(state.view, key, copyValue(value));
  }
}

function appendTo(state: StateRecord, key: string, tail: unknown, step: number): void {
  const growable = state.arrays.get(key);
  const dtype = dtypeOf(tail);
  if (growable === undefined || dtype === null || dtype !== dtypeOf(growable.buffer)) {
    throw new MessageDeltaError(null, step, `append to ${key}, which is not a ${dtype ?? 'typed'} array in the state`);
  }
  const added = tail as NumericArray;
  const needed = growable.length + added.length;
  if (needed > growable.buffer.length) {
    const grown = new DTYPE_ARRAY[dtype](Math.max(needed, 2 * growable.buffer.length, 16));
    grown.set(growable.buffer.subarray(0, growable.length));
    growable.buffer = grown;
  }
  growable.buffer.set(added, growable.length);
  growable.length = needed;
  setField(state.view, key, growable.buffer.subarray(0, needed));
}

function fieldsOf(value: unknown, what: string, step: number): [string, unknown][] {
  if (value === undefined) return [];
  if (!isRecord(value)) throw new MessageDeltaError(null, step, `${what} is not a record`);
  return Object.entries(value);
}

function applyChanges(state: StateRecord, changes: unknown, step: number): void {
  if (!isRecord(changes)) throw new MessageDeltaError(null, step, 'changes is not a record');
  const removed = changes.removed ?? [];
  if (!Array.isArray(removed)) throw new MessageDeltaError(null, step, 'removed is not a list');
  for (const key of removed) {
    if (typeof key !== 'string') throw new MessageDeltaError(null, step, 'removed holds a non-string');
    Reflect.deleteProperty(state.view, key);
    state.arrays.delete(key);
    state.records.delete(key);
  }
  for (const [key, value] of fieldsOf(changes.set, 'set', step)) setValue(state, key, value as MessageValue);
  for (const [key, tail] of fieldsOf(changes.append, 'append', step)) appendTo(state, key, tail, step);
  for (const [key, inner] of fieldsOf(changes.nested, 'nested', step)) {
    const child = state.records.get(key);
    if (child === undefined) throw new MessageDeltaError(null, step, `nested changes for ${key}, which is not a record in the state`);
    applyChanges(child, inner, step);
  }
}

/**
 * A rank's side of the generic delta: holds the last message and rebuilds each step's from its delta.
 * Work per step follows what changed, not the message's size: typed arrays live in buffers with spare
 * capacity, and the message handed back is the same object, updated in place. So the returned message,
 * and every typed array in it (views into those buffers), is valid only until the next apply: copy what you keep.
 */
export class MessageDeltaState {
  private root: StateRecord | null = null;
  private lastStep: number | null = null;

  /** Step of the last message rebuilt, or null before the first keyframe (and after a delta that failed). */
  get step(): number | null {
    return this.lastStep;
  }

  /** Applies one delta and returns the full message of its step; throws MessageDeltaError for a delta out of order or that does not fit the state. */
  apply(delta: MessageRecord): MessageRecord {
    const step = delta.step;
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) throw new MessageDeltaError(this.lastStep, -1, 'delta carries no step');
    if (delta.full !== undefined) {
      if (!isRecord(delta.full)) throw new MessageDeltaError(this.lastStep, step, 'full is not a record');
      this.root = stateOf(delta.full as MessageRecord);
      this.lastStep = step;
      return this.root.view;
    }
    if (this.root === null || this.lastStep === null) throw new MessageDeltaError(null, step, 'no full message to apply changes to');
    if (step !== this.lastStep + 1) {
      throw new MessageDeltaError(this.lastStep + 1, step, `out of order: the state holds step ${this.lastStep}, so the next delta is for step ${this.lastStep + 1}`);
    }
    const root = this.root;
    // A delta that fails halfway leaves the state unusable until the next keyframe, rather than wrong.
    this.root = null;
    this.lastStep = null;
    applyChanges(root, delta.changes, step);
    this.root = root;
    this.lastStep = step;
    return root.view;
  }
}

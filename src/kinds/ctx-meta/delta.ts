import { DecodeError } from '../../errors.js';
import type { CtxMeta } from './types.js';
import { Reusable } from './launch-view.js';

/**
 * The delta from `previous` to `next`, shaped as a CtxMeta: every scheduled request with its lengths and sampling
 * parameters; block tables hold the full table for requests new since `previous` and only the appended blocks for the
 * rest; no slots. Requests absent from `next` are finished. Not a valid full payload: ranks apply it to their state.
 */
export function deltaOf(previous: CtxMeta | null, next: CtxMeta): CtxMeta {
  const known = new Map<string, number>();
  previous?.reqIds.forEach((id, i) => known.set(id, (previous.blockTableOffsets[i + 1] ?? 0) - (previous.blockTableOffsets[i] ?? 0)));
  const batch = next.reqIds.length;
  const blockTableOffsets = new Int32Array(batch + 1);
  const starts = next.reqIds.map((id, i) => {
    const from = next.blockTableOffsets[i] ?? 0;
    const to = next.blockTableOffsets[i + 1] ?? 0;
    const start = from + Math.min(known.get(id) ?? 0, to - from);
    blockTableOffsets[i + 1] = (blockTableOffsets[i] ?? 0) + (to - start);
    return [start, to] as const;
  });
  const blockTables = new Int32Array(blockTableOffsets[batch] ?? 0);
  starts.forEach(([start, to], i) => blockTables.set(next.blockTables.subarray(start, to), blockTableOffsets[i]));
  return {
    ...next,
    blockTableOffsets,
    blockTables,
    slotOffsets: new Int32Array(batch + 1),
    slotMapping: new Int32Array(0),
  };
}

/**
 * Rank-side delta state, as a worker keeps it: one row per running request in a table with spare room after each row
 * (vLLM's block table), so a step appends the new block ids in place and does work proportional to what changed —
 * requests, new blocks, new tokens — never to the size of the tables. Nothing is allocated per step once warm.
 */
export class DeltaState {
  private readonly rowOf = new Map<string, number>();
  /** The request each row holds, so a finished row is dropped from rowOf without a search. */
  private readonly idOfRow: string[] = [];
  private readonly freeRows: number[] = [];
  private rowsInUse = 0;
  private capacity = 16;
  private tables = new Int32Array(64 * 16);
  private counts = new Int32Array(64);
  private seenAt = new Int32Array(64);
  /** Rows scheduled in the last step, and how many: the candidates for finishing in this one. */
  private lastRows = new Int32Array(64);
  private lastCount = 0;
  /** The last step's request ids, in order: in steady decode most requests keep their place, and a string compare beats hashing a fresh id. */
  private lastIds: readonly string[] = [];
  private lastStepId = -1;
  private readonly starts = new Reusable();
  private readonly lengths = new Reusable();
  private readonly scheduled = new Reusable();

  /** Applies one delta and returns each request's block table as (start, length) into the state's table; a non-consecutive stepId starts a new sequence. */
  apply(delta: CtxMeta): { tableStarts: Int32Array; tableLengths: Int32Array; tables: Int32Array } {
    if (delta.stepId !== this.lastStepId + 1) this.clear();
    this.lastStepId = delta.stepId;
    const batch = delta.reqIds.length;
    const tableStarts = this.starts.take(batch);
    const tableLengths = this.lengths.take(batch);
    const rows = this.scheduled.take(batch);
    const stamp = delta.stepId + 1;
    for (let i = 0; i < batch; i++) {
      const id = delta.reqIds[i] ?? '';
      let row = i < this.lastCount && this.lastIds[i] === id ? this.lastRows[i] : this.rowOf.get(id);
      if (row === undefined) {
        row = this.newRow();
        this.rowOf.set(id, row);
        this.idOfRow[row] = id;
      }
      const from = delta.blockTableOffsets[i] ?? 0;
      const added = (delta.blockTableOffsets[i + 1] ?? 0) - from;
      const held = this.counts[row] ?? 0;
      const count = held + added;
      if (count > this.capacity) this.grow(count);
      // An element loop, not subarray + set: a step adds a block to a few requests, and a view per request costs more.
      const at = row * this.capacity + held;
      for (let k = 0; k < added; k++) this.tables[at + k] = delta.blockTables[from + k] ?? 0;
      this.counts[row] = count;
      const expected = Math.ceil((delta.seqLens[i] ?? 0) / delta.blockSize);
      if (count !== expected) {
        throw new DecodeError('delta', `request ${id} holds ${count} blocks after step ${delta.stepId}, expected ${expected} (a delta was lost)`);
      }
      this.seenAt[row] = stamp;
      rows[i] = row;
      tableLengths[i] = count;
    }
    // Starts are taken once every row is in place: a row that outgrew its room moved every row.
    for (let i = 0; i < batch; i++) tableStarts[i] = (rows[i] ?? 0) * this.capacity;
    // Requests scheduled last step and not in this one have finished: their rows go back to the pool.
    for (let k = 0; k < this.lastCount; k++) {
      const row = this.lastRows[k] ?? 0;
      if (this.seenAt[row] !== stamp) this.freeRow(row);
    }
    if (this.lastRows.length < batch) this.lastRows = new Int32Array(Math.max(batch, 2 * this.lastRows.length));
    this.lastRows.set(rows);
    this.lastCount = batch;
    this.lastIds = delta.reqIds;
    return { tableStarts, tableLengths, tables: this.tables };
  }

  private clear(): void {
    this.rowOf.clear();
    this.idOfRow.length = 0;
    this.freeRows.length = 0;
    this.rowsInUse = 0;
    this.counts.fill(0);
    this.seenAt.fill(0);
    this.lastCount = 0;
    this.lastIds = [];
  }

  private newRow(): number {
    const row = this.freeRows.pop() ?? this.rowsInUse++;
    if (row >= this.counts.length) {
      const rows = 2 * this.counts.length;
      const tables = new Int32Array(rows * this.capacity);
      tables.set(this.tables);
      this.tables = tables;
      this.counts = grown(this.counts, rows);
      this.seenAt = grown(this.seenAt, rows);
    }
    this.counts[row] = 0;
    return row;
  }

  private freeRow(row: number): void {
    this.counts[row] = 0;
    this.seenAt[row] = 0;
    this.freeRows.push(row);
    const id = this.idOfRow[row];
    if (id !== undefined && this.rowOf.get(id) === row) this.rowOf.delete(id);
  }

  /** Doubles every row's room (rare: a request outgrew it), moving each row once. */
  private grow(needed: number): void {
    let capacity = this.capacity;
    while (capacity < needed) capacity *= 2;
    const rows = this.counts.length;
    const tables = new Int32Array(rows * capacity);
    for (let row = 0; row < rows; row++) tables.set(this.tables.subarray(row * this.capacity, row * this.capacity + (this.counts[row] ?? 0)), row * capacity);
    this.tables = tables;
    this.capacity = capacity;
  }
}

function grown(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(length);
  out.set(array);
  return out;
}

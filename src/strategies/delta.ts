import { DecodeError } from '../errors.js';
import type { CtxMeta } from '../payload/types.js';

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

interface RequestState {
  blocks: Int32Array;
  count: number;
}

/** Rank-side delta state: per-request block tables that grow in place (capacity doubling), as a worker keeps them. */
export class DeltaState {
  private readonly requests = new Map<string, RequestState>();
  private lastStepId = -1;
  // Reused across steps: a step's tables are valid until the next apply, so no per-step allocation feeds the GC.
  private tables = new Int32Array(1024);

  /** Applies one delta and returns the step's full block tables as CSR (views valid until the next apply); a non-consecutive stepId starts a new sequence. */
  apply(delta: CtxMeta): { blockTableOffsets: Int32Array; blockTables: Int32Array } {
    if (delta.stepId !== this.lastStepId + 1) this.requests.clear();
    this.lastStepId = delta.stepId;
    const batch = delta.reqIds.length;
    const scheduled = new Map<string, RequestState>();
    const offsets = new Int32Array(batch + 1);
    for (let i = 0; i < batch; i++) {
      const id = delta.reqIds[i] ?? '';
      const added = delta.blockTables.subarray(delta.blockTableOffsets[i], delta.blockTableOffsets[i + 1]);
      const state = this.requests.get(id) ?? { blocks: new Int32Array(Math.max(16, added.length * 2)), count: 0 };
      if (state.count + added.length > state.blocks.length) {
        const grown = new Int32Array(Math.max(2 * state.blocks.length, state.count + added.length));
        grown.set(state.blocks.subarray(0, state.count));
        state.blocks = grown;
      }
      state.blocks.set(added, state.count);
      state.count += added.length;
      const expected = Math.ceil((delta.seqLens[i] ?? 0) / delta.blockSize);
      if (state.count !== expected) {
        throw new DecodeError('delta', `request ${id} holds ${state.count} blocks after step ${delta.stepId}, expected ${expected} (a delta was lost)`);
      }
      scheduled.set(id, state);
      offsets[i + 1] = (offsets[i] ?? 0) + state.count;
    }
    // Requests not scheduled this step have finished: their state goes.
    this.requests.clear();
    scheduled.forEach((state, id) => this.requests.set(id, state));
    const total = offsets[batch] ?? 0;
    if (total > this.tables.length) this.tables = new Int32Array(Math.max(total, 2 * this.tables.length));
    for (let i = 0; i < batch; i++) {
      const state = scheduled.get(delta.reqIds[i] ?? '');
      if (state !== undefined) this.tables.set(state.blocks.subarray(0, state.count), offsets[i]);
    }
    return { blockTableOffsets: offsets, blockTables: this.tables.subarray(0, total) };
  }
}

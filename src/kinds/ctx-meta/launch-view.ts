import type { CtxMeta } from './types.js';

/**
 * What a rank launches from: each request's block table (a start and a length into `tables`, rows that need not be
 * packed — a delta's state keeps spare room after each) and the slots of the tokens it computes this step. The
 * per-request fields (ids, lengths, sampling) are the wire payload's own arrays. Its arrays are the rank's reusable
 * buffers: valid until the next step.
 */
export interface LaunchView {
  step: Pick<CtxMeta, 'stepId' | 'blockSize' | 'reqIds' | 'seqLens' | 'numNewTokens' | 'temperature' | 'topP' | 'topK'>;
  tableStarts: Int32Array;
  tableLengths: Int32Array;
  tables: Int32Array;
  /** CSR offsets of this step's slots, length batch + 1. */
  slotOffsets: Int32Array;
  slotMapping: Int32Array;
}

/** A growable Int32Array that keeps its memory between steps: `take(n)` returns a view of n elements. */
export class Reusable {
  private data: Int32Array;

  constructor(initial = 64) {
    this.data = new Int32Array(initial);
  }

  /** A view of `length` elements, growing (by doubling) only when the last step needed less. */
  take(length: number): Int32Array {
    if (length > this.data.length) this.data = new Int32Array(Math.max(length, 2 * this.data.length));
    return this.data.subarray(0, length);
  }
}

/** Writes the slots of each request's new tokens (positions seqLen − numNewTokens … seqLen − 1) from its block table. */
export function deriveNewSlots(view: Pick<LaunchView, 'step' | 'tableStarts' | 'tables'>, offsetsBuffer: Reusable, slotsBuffer: Reusable): { slotOffsets: Int32Array; slotMapping: Int32Array } {
  const { seqLens, numNewTokens, blockSize } = view.step;
  const batch = seqLens.length;
  const slotOffsets = offsetsBuffer.take(batch + 1);
  slotOffsets[0] = 0;
  for (let i = 0; i < batch; i++) slotOffsets[i + 1] = (slotOffsets[i] ?? 0) + (numNewTokens[i] ?? 0);
  const slotMapping = slotsBuffer.take(slotOffsets[batch] ?? 0);
  for (let i = 0; i < batch; i++) {
    const seqLen = seqLens[i] ?? 0;
    const start = view.tableStarts[i] ?? 0;
    let k = slotOffsets[i] ?? 0;
    for (let pos = seqLen - (numNewTokens[i] ?? 0); pos < seqLen; pos++) {
      slotMapping[k++] = (view.tables[start + Math.floor(pos / blockSize)] ?? 0) * blockSize + (pos % blockSize);
    }
  }
  return { slotOffsets, slotMapping };
}

/** The launch view as a packed CtxMeta (block tables as CSR, this step's slots), for verification, outside any timing. */
export function payloadOfView(view: LaunchView): CtxMeta {
  const batch = view.step.reqIds.length;
  const blockTableOffsets = new Int32Array(batch + 1);
  for (let i = 0; i < batch; i++) blockTableOffsets[i + 1] = (blockTableOffsets[i] ?? 0) + (view.tableLengths[i] ?? 0);
  const blockTables = new Int32Array(blockTableOffsets[batch] ?? 0);
  for (let i = 0; i < batch; i++) {
    const start = view.tableStarts[i] ?? 0;
    blockTables.set(view.tables.subarray(start, start + (view.tableLengths[i] ?? 0)), blockTableOffsets[i]);
  }
  return { ...view.step, blockTableOffsets, blockTables, slotOffsets: view.slotOffsets.slice(), slotMapping: view.slotMapping.slice() };
}

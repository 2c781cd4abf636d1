import { slotCountFor, writeSlots, type SlotCoverage } from './build.js';
import type { CtxMeta } from './types.js';

/** The same payload with slotMapping re-derived from its block tables for another coverage (full, new tokens, none). */
export function withSlotCoverage(payload: CtxMeta, coverage: SlotCoverage): CtxMeta {
  const batch = payload.reqIds.length;
  const slotOffsets = new Int32Array(batch + 1);
  for (let i = 0; i < batch; i++) {
    const spec = { seqLen: payload.seqLens[i] ?? 0, numNewTokens: payload.numNewTokens[i] ?? 0 };
    slotOffsets[i + 1] = (slotOffsets[i] ?? 0) + slotCountFor(spec, coverage);
  }
  const slotMapping = new Int32Array(slotOffsets[batch] ?? 0);
  for (let i = 0; i < batch; i++) {
    const seqLen = payload.seqLens[i] ?? 0;
    const count = (slotOffsets[i + 1] ?? 0) - (slotOffsets[i] ?? 0);
    writeSlots(payload.blockTables, payload.blockTableOffsets[i] ?? 0, payload.blockSize, seqLen - count, seqLen, slotMapping, slotOffsets[i] ?? 0);
  }
  return { ...payload, slotOffsets, slotMapping };
}

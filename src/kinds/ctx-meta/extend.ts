import { OptionsError } from '../../errors.js';
import { buildCtxMeta, type RequestSpec, type SlotCoverage } from './build.js';
import type { CtxMeta } from './types.js';

/**
 * Continues one payload into `steps` consecutive decode steps: every request grows by one token a step and takes a
 * fresh block (above every id in use) when it crosses a block boundary. Step 0 is the payload itself, renumbered.
 */
export function extendIntoSequence(payload: CtxMeta, steps: number): CtxMeta[] {
  return Array.from(streamExtension(payload, steps, 'full'));
}

/** The steps of extendIntoSequence one at a time, with the slots of `coverage`. */
export function* streamExtension(payload: CtxMeta, steps: number, coverage: SlotCoverage = 'full'): Generator<CtxMeta, void, undefined> {
  if (!Number.isInteger(steps) || steps < 1) throw new OptionsError('steps', 'must be a positive integer');
  const { blockSize } = payload;
  let nextBlock = payload.blockTables.reduce((max, b) => Math.max(max, b), -1) + 1;
  const maxBlock = Math.floor((2147483647 - (blockSize - 1)) / blockSize);
  let requests: RequestSpec[] = payload.reqIds.map((reqId, i) => ({
    reqId,
    seqLen: payload.seqLens[i] ?? 0,
    numNewTokens: payload.numNewTokens[i] ?? 0,
    temperature: payload.temperature[i] ?? 0,
    topP: payload.topP[i] ?? 1,
    topK: payload.topK[i] ?? -1,
    blockTable: Array.from(payload.blockTables.subarray(payload.blockTableOffsets[i], payload.blockTableOffsets[i + 1])),
  }));
  for (let step = 0; step < steps; step++) {
    if (step > 0) {
      requests = requests.map((r) => {
        const seqLen = r.seqLen + 1;
        if (seqLen <= r.blockTable.length * blockSize) return { ...r, seqLen, numNewTokens: 1 };
        if (nextBlock > maxBlock) throw new OptionsError('steps', 'block ids would overflow int32 slots');
        return { ...r, seqLen, numNewTokens: 1, blockTable: [...Array.from(r.blockTable), nextBlock++] };
      });
    }
    yield buildCtxMeta({ stepId: step, blockSize, requests, slots: coverage });
  }
}

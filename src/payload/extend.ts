import { OptionsError } from '../errors.js';
import { buildCtxMeta, type RequestSpec } from './build.js';
import type { CtxMeta } from './types.js';

/**
 * Continues one payload into `steps` consecutive decode steps: every request grows by one token a step and takes a
 * fresh block (above every id in use) when it crosses a block boundary. Step 0 is the payload itself, renumbered.
 */
export function extendIntoSequence(payload: CtxMeta, steps: number): CtxMeta[] {
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
  const sequence: CtxMeta[] = [];
  for (let step = 0; step < steps; step++) {
    if (step > 0) {
      requests = requests.map((r) => {
        const seqLen = r.seqLen + 1;
        const table = Array.from(r.blockTable);
        if (seqLen > table.length * blockSize) {
          if (nextBlock > maxBlock) throw new OptionsError('steps', 'block ids would overflow int32 slots');
          table.push(nextBlock++);
        }
        return { ...r, seqLen, numNewTokens: 1, blockTable: table };
      });
    }
    sequence.push(buildCtxMeta({ stepId: step, blockSize, requests, slots: 'full' }));
  }
  return sequence;
}

import type { CtxMeta } from './types.js';

/** What one request contributes to a step, before the slots are derived. */
export interface RequestSpec {
  reqId: string;
  seqLen: number;
  numNewTokens: number;
  temperature: number;
  topP: number;
  topK: number;
  /** Physical KV block ids, ceil(seqLen / blockSize) of them. */
  blockTable: ArrayLike<number>;
}

/** Which slots go on the wire: all context tokens, only this step's new tokens, or none. */
export type SlotCoverage = 'full' | 'new' | 'none';

/** Input of buildCtxMeta: a step's requests plus the slot coverage to derive. */
export interface BuildCtxMetaInput {
  stepId: number;
  blockSize: number;
  requests: readonly RequestSpec[];
  slots?: SlotCoverage;
}

/** Number of slots request `spec` carries under `coverage`. */
export function slotCountFor(spec: Pick<RequestSpec, 'seqLen' | 'numNewTokens'>, coverage: SlotCoverage): number {
  if (coverage === 'full') return spec.seqLen;
  if (coverage === 'new') return spec.numNewTokens;
  return 0;
}

/** Writes the slots of positions [from, seqLen) of one request into `out` at `at`; slot = block * blockSize + pos % blockSize. */
export function writeSlots(
  blockTables: ArrayLike<number>,
  tableStart: number,
  blockSize: number,
  from: number,
  seqLen: number,
  out: Int32Array,
  at: number,
): void {
  let k = at;
  for (let pos = from; pos < seqLen; pos++) {
    const block = blockTables[tableStart + Math.floor(pos / blockSize)] ?? 0;
    out[k++] = block * blockSize + (pos % blockSize);
  }
}

/** Assembles a columnar CtxMeta from per-request specs, deriving slotMapping from the block tables. */
export function buildCtxMeta(input: BuildCtxMetaInput): CtxMeta {
  const { stepId, blockSize, requests } = input;
  const coverage = input.slots ?? 'full';
  const batch = requests.length;
  const seqLens = new Int32Array(batch);
  const numNewTokens = new Int32Array(batch);
  const temperature = new Float32Array(batch);
  const topP = new Float32Array(batch);
  const topK = new Int32Array(batch);
  const blockTableOffsets = new Int32Array(batch + 1);
  const slotOffsets = new Int32Array(batch + 1);
  requests.forEach((r, i) => {
    seqLens[i] = r.seqLen;
    numNewTokens[i] = r.numNewTokens;
    temperature[i] = r.temperature;
    topP[i] = r.topP;
    topK[i] = r.topK;
    blockTableOffsets[i + 1] = (blockTableOffsets[i] ?? 0) + r.blockTable.length;
    slotOffsets[i + 1] = (slotOffsets[i] ?? 0) + slotCountFor(r, coverage);
  });
  const blockTables = new Int32Array(blockTableOffsets[batch] ?? 0);
  const slotMapping = new Int32Array(slotOffsets[batch] ?? 0);
  requests.forEach((r, i) => {
    const tableStart = blockTableOffsets[i] ?? 0;
    blockTables.set(r.blockTable, tableStart);
    const count = slotCountFor(r, coverage);
    writeSlots(blockTables, tableStart, blockSize, r.seqLen - count, r.seqLen, slotMapping, slotOffsets[i] ?? 0);
  });
  return {
    stepId,
    blockSize,
    reqIds: requests.map((r) => r.reqId),
    seqLens,
    numNewTokens,
    temperature,
    topP,
    topK,
    blockTableOffsets,
    blockTables,
    slotOffsets,
    slotMapping,
  };
}

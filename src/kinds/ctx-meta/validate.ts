import { PayloadError } from '../../errors.js';
import { ARRAY_FIELDS, FIELD_DTYPE, type CtxMeta } from './types.js';

const INT32_MAX = 2147483647;

function fail(field: string, reason: string): never {
  throw new PayloadError(field, reason);
}

function checkCsr(name: string, offsets: Int32Array, valuesLength: number, expectedCount: (i: number) => number): void {
  if (offsets[0] !== 0) fail(`${name}[0]`, `must be 0, got ${String(offsets[0])}`);
  for (let i = 0; i + 1 < offsets.length; i++) {
    const count = (offsets[i + 1] ?? 0) - (offsets[i] ?? 0);
    const expected = expectedCount(i);
    if (count < 0) fail(`${name}[${i + 1}]`, 'offsets must not decrease');
    if (expected >= 0 && count !== expected) fail(`${name}[${i + 1}]`, `request ${i} has ${count} entries, expected ${expected}`);
    if (expected < 0 && count > -expected - 1) fail(`${name}[${i + 1}]`, `request ${i} has ${count} entries, more than its context`);
  }
  if (offsets[offsets.length - 1] !== valuesLength) {
    fail(`${name}[${offsets.length - 1}]`, `must equal the values' length ${valuesLength}`);
  }
}

/** Checks every invariant of a columnar payload and returns it; throws PayloadError naming the first bad field. */
export function validateCtxMeta(payload: CtxMeta): CtxMeta {
  if (typeof payload !== 'object' || payload === null) fail('payload', 'is not an object');
  const { stepId, blockSize, reqIds } = payload;
  if (!Number.isInteger(stepId) || stepId < 0 || stepId > 0xffffffff) fail('stepId', 'must be a uint32');
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > 1 << 20) fail('blockSize', 'must be in [1, 2^20]');
  if (!Array.isArray(reqIds) || !reqIds.every((id) => typeof id === 'string')) fail('reqIds', 'must be a list of strings');
  for (const field of ARRAY_FIELDS) {
    const want = FIELD_DTYPE[field] === 'int32' ? Int32Array : Float32Array;
    if (!(payload[field] instanceof want)) fail(field, `must be a ${want.name}`);
  }
  const batch = reqIds.length;
  for (const field of ['seqLens', 'numNewTokens', 'temperature', 'topP', 'topK'] as const) {
    if (payload[field].length !== batch) fail(field, `has ${payload[field].length} entries for ${batch} requests`);
  }
  for (const field of ['blockTableOffsets', 'slotOffsets'] as const) {
    if (payload[field].length !== batch + 1) fail(field, `has ${payload[field].length} entries, expected ${batch + 1}`);
  }
  const { seqLens, numNewTokens, temperature, topP, topK } = payload;
  for (let i = 0; i < batch; i++) {
    const seqLen = seqLens[i] ?? -1;
    const newTokens = numNewTokens[i] ?? -1;
    const temp = temperature[i] ?? NaN;
    const p = topP[i] ?? NaN;
    if (seqLen < 0) fail(`seqLens[${i}]`, 'must not be negative');
    if (newTokens < 0 || newTokens > seqLen) fail(`numNewTokens[${i}]`, `must be in [0, seqLen=${seqLen}]`);
    // -0 is refused too: it means nothing as a temperature, and text formats (JSON) cannot carry it.
    if (!Number.isFinite(temp) || temp < 0 || Object.is(temp, -0)) fail(`temperature[${i}]`, 'must be finite and >= 0');
    if (!Number.isFinite(p) || p <= 0 || p > 1) fail(`topP[${i}]`, 'must be in (0, 1]');
    if ((topK[i] ?? -2) < -1) fail(`topK[${i}]`, 'must be -1 (off) or >= 0');
  }
  checkCsr('blockTableOffsets', payload.blockTableOffsets, payload.blockTables.length, (i) =>
    Math.ceil((seqLens[i] ?? 0) / blockSize),
  );
  // A negative expectation encodes "at most seqLen": slots cover the last n context positions, n <= seqLen.
  checkCsr('slotOffsets', payload.slotOffsets, payload.slotMapping.length, (i) => -(seqLens[i] ?? 0) - 1);
  const maxBlock = Math.floor((INT32_MAX - (blockSize - 1)) / blockSize);
  const { blockTables, blockTableOffsets, slotMapping, slotOffsets } = payload;
  for (let i = 0; i < blockTables.length; i++) {
    const block = blockTables[i] ?? -1;
    if (block < 0 || block > maxBlock) fail(`blockTables[${i}]`, `block id ${block} outside [0, ${maxBlock}]`);
  }
  for (let r = 0; r < batch; r++) {
    const seqLen = seqLens[r] ?? 0;
    const start = slotOffsets[r] ?? 0;
    const count = (slotOffsets[r + 1] ?? 0) - start;
    const table = blockTableOffsets[r] ?? 0;
    for (let k = 0; k < count; k++) {
      const pos = seqLen - count + k;
      const expected = (blockTables[table + Math.floor(pos / blockSize)] ?? 0) * blockSize + (pos % blockSize);
      if (slotMapping[start + k] !== expected) {
        fail(`slotMapping[${start + k}]`, `request ${r} position ${pos}: slot ${slotMapping[start + k]} does not match block table (${expected})`);
      }
    }
  }
  return payload;
}

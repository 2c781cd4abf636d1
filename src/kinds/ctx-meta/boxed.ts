import { PayloadError } from '../../errors.js';
import { buildCtxMeta } from './build.js';
import type { BoxedCtxMeta, BoxedRequest, CtxMeta } from './types.js';

/** Converts a columnar payload to boxed form: one plain object per request with number[] lists. */
export function toBoxed(payload: CtxMeta): BoxedCtxMeta {
  const requests: BoxedRequest[] = payload.reqIds.map((reqId, i) => ({
    reqId,
    seqLen: payload.seqLens[i] ?? 0,
    numNewTokens: payload.numNewTokens[i] ?? 0,
    temperature: payload.temperature[i] ?? 0,
    topP: payload.topP[i] ?? 0,
    topK: payload.topK[i] ?? 0,
    blockTable: Array.from(payload.blockTables.subarray(payload.blockTableOffsets[i], payload.blockTableOffsets[i + 1])),
    slotMapping: Array.from(payload.slotMapping.subarray(payload.slotOffsets[i], payload.slotOffsets[i + 1])),
  }));
  return { stepId: payload.stepId, blockSize: payload.blockSize, requests };
}

function isNumberList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

function checkBoxedRequest(value: unknown, i: number): BoxedRequest {
  const at = `requests[${i}]`;
  if (typeof value !== 'object' || value === null) throw new PayloadError(at, 'is not an object');
  const r = value as Record<string, unknown>;
  if (typeof r.reqId !== 'string') throw new PayloadError(`${at}.reqId`, 'is not a string');
  for (const key of ['seqLen', 'numNewTokens', 'temperature', 'topP', 'topK'] as const) {
    if (typeof r[key] !== 'number') throw new PayloadError(`${at}.${key}`, 'is not a number');
  }
  if (!isNumberList(r.blockTable)) throw new PayloadError(`${at}.blockTable`, 'is not a list of numbers');
  if (!isNumberList(r.slotMapping)) throw new PayloadError(`${at}.slotMapping`, 'is not a list of numbers');
  return r as unknown as BoxedRequest;
}

/** Converts a boxed payload back to columnar form, rejecting anything that is not shaped like one. */
export function fromBoxed(boxed: unknown): CtxMeta {
  if (typeof boxed !== 'object' || boxed === null) throw new PayloadError('payload', 'is not an object');
  const b = boxed as Record<string, unknown>;
  if (typeof b.stepId !== 'number') throw new PayloadError('stepId', 'is not a number');
  if (typeof b.blockSize !== 'number') throw new PayloadError('blockSize', 'is not a number');
  if (!Array.isArray(b.requests)) throw new PayloadError('requests', 'is not a list');
  const requests = b.requests.map(checkBoxedRequest);
  const payload = buildCtxMeta({ stepId: b.stepId, blockSize: b.blockSize, requests, slots: 'none' });
  // Slots travel as sent rather than being re-derived, so a corrupt slot stays visible to validation.
  const slotOffsets = new Int32Array(requests.length + 1);
  requests.forEach((r, i) => (slotOffsets[i + 1] = (slotOffsets[i] ?? 0) + r.slotMapping.length));
  const slotMapping = new Int32Array(slotOffsets[requests.length] ?? 0);
  requests.forEach((r, i) => slotMapping.set(r.slotMapping, slotOffsets[i]));
  return { ...payload, slotOffsets, slotMapping };
}


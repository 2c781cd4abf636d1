import { ARRAY_FIELDS, type CtxMeta } from './types.js';

/** Describes the first difference between two payloads, or returns null when they are identical to the bit. */
export function diffCtxMeta(expected: CtxMeta, actual: CtxMeta): string | null {
  if (expected.stepId !== actual.stepId) return `stepId: ${expected.stepId} vs ${actual.stepId}`;
  if (expected.blockSize !== actual.blockSize) return `blockSize: ${expected.blockSize} vs ${actual.blockSize}`;
  if (expected.reqIds.length !== actual.reqIds.length) {
    return `reqIds.length: ${expected.reqIds.length} vs ${actual.reqIds.length}`;
  }
  for (let i = 0; i < expected.reqIds.length; i++) {
    if (expected.reqIds[i] !== actual.reqIds[i]) {
      return `reqIds[${i}]: ${JSON.stringify(expected.reqIds[i])} vs ${JSON.stringify(actual.reqIds[i])}`;
    }
  }
  for (const field of ARRAY_FIELDS) {
    const a = expected[field];
    const b = actual[field];
    if (a.constructor !== b.constructor) return `${field}: ${a.constructor.name} vs ${b.constructor.name}`;
    if (a.length !== b.length) return `${field}.length: ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      // Object.is tells -0 from 0, so float fields must match bit for bit (NaN is rejected by validation).
      if (!Object.is(a[i], b[i])) return `${field}[${i}]: ${String(a[i])} vs ${String(b[i])}`;
    }
  }
  return null;
}

/** True when two payloads are identical field by field. */
export function ctxMetaEqual(a: CtxMeta, b: CtxMeta): boolean {
  return diffCtxMeta(a, b) === null;
}

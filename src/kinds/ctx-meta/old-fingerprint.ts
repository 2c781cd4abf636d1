import { createHash } from 'node:crypto';
import { ARRAY_FIELDS, type CtxMeta } from './types.js';

/** SHA-256 over every field of a payload in a fixed order: equal fingerprints mean byte-identical payloads. */
export function fingerprint(payload: CtxMeta): string {
  const hash = createHash('sha256');
  hash.update(`${payload.stepId}|${payload.blockSize}|${JSON.stringify(payload.reqIds)}`);
  for (const field of ARRAY_FIELDS) {
    const a = payload[field];
    hash.update(`${field}:${a.length}:`);
    hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return hash.digest('hex');
}

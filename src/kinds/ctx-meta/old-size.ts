import { ARRAY_FIELDS, type CtxMeta } from './types.js';

/** Bytes the payload's content occupies in memory: array bytes plus UTF-8 request ids. */
export function payloadByteLength(payload: CtxMeta): number {
  let bytes = 0;
  for (const field of ARRAY_FIELDS) bytes += payload[field].byteLength;
  for (const id of payload.reqIds) bytes += Buffer.byteLength(id, 'utf8');
  return bytes;
}

/** An upper bound on any columnar encoding's size, so encoders can allocate once instead of growing by doubling. */
export function encodedByteBound(payload: CtxMeta): number {
  let bound = 1024;
  for (const field of ARRAY_FIELDS) bound += payload[field].byteLength + 16;
  for (const id of payload.reqIds) bound += 3 * id.length + 16;
  return Math.ceil(bound / 8) * 8;
}

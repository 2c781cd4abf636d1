import { DecodeError } from '../errors.js';
import { ARRAY_FIELDS, FIELD_DTYPE, type CtxMeta } from '../kinds/ctx-meta/types.js';

/** Checks that a decoded object carries each array field as the right typed array (codecs whose format says the type). */
export function checkTypedFields(codec: string, decoded: unknown): CtxMeta {
  if (typeof decoded !== 'object' || decoded === null) throw new DecodeError(codec, 'top level is not a map');
  const wire = decoded as Record<string, unknown>;
  for (const field of ARRAY_FIELDS) {
    const want = FIELD_DTYPE[field] === 'int32' ? Int32Array : Float32Array;
    if (!(wire[field] instanceof want)) throw new DecodeError(codec, `${field} is not a ${want.name}`);
  }
  return wire as unknown as CtxMeta;
}

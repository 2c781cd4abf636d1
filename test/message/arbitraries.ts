import fc from 'fast-check';
import { DTYPE_ARRAY, DTYPES, INT_RANGE } from '../../src/message/dtypes.js';
import { itemPath, keyPath } from '../../src/message/paths.js';
import { setField } from '../../src/message/record.js';
import type { Dtype, MessageRecord, MessageValue, NumericArray } from '../../src/message/types.js';

/** A numeric leaf drawn in every dtype; which one the message keeps depends on its path, so one path has one dtype. */
class TypedLeaf {
  constructor(readonly variants: Readonly<Record<Dtype, NumericArray>>) {}
}

function arrayOf(dtype: Dtype): fc.Arbitrary<NumericArray> {
  const ctor = DTYPE_ARRAY[dtype];
  // Only float dtypes hold NaN; -0, NaN and ±Infinity are drawn often, not left to fc.double's rare picks.
  const special = fc.constantFrom(-0, NaN, Infinity, -Infinity);
  const element =
    dtype === 'float32'
      ? fc.oneof(fc.float(), special)
      : dtype === 'float64'
        ? fc.oneof(fc.double(), special)
        : fc.integer({ min: INT_RANGE[dtype][0], max: INT_RANGE[dtype][1] });
  return fc.array(element, { maxLength: 12 }).map((values) => ctor.from(values));
}

const typedLeaf = fc
  .record(Object.fromEntries(DTYPES.map((d) => [d, arrayOf(d)])) as Record<Dtype, fc.Arbitrary<NumericArray>>)
  .map((variants) => new TypedLeaf(variants));

const key = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 10 }), fc.constantFrom('*', '~', 'a/b', '0', '7', 'req_ids', '請求', '🚀')).filter((k) => k !== '__proto__');
const scalar = fc.oneof(fc.double(), fc.constantFrom(-0, NaN, Infinity), fc.integer(), fc.boolean(), fc.constant(null), fc.string({ unit: 'grapheme', maxLength: 16 }));

type Draft = number | string | boolean | null | TypedLeaf | Draft[] | { [key: string]: Draft };

const { record } = fc.letrec<{ value: Draft; list: Draft[]; record: { [key: string]: Draft } }>((tie) => ({
  value: fc.oneof({ maxDepth: 4, depthIdentifier: 'message' }, scalar, typedLeaf, tie('list'), tie('record')),
  list: fc.array(tie('value'), { maxLength: 4, depthIdentifier: 'message' }),
  record: fc.dictionary(key, tie('value'), { maxKeys: 5, depthIdentifier: 'message', noNullPrototype: true }),
}));

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function leafPaths(draft: Draft, path: string, out: Set<string>): void {
  if (draft instanceof TypedLeaf) out.add(path);
  else if (Array.isArray(draft)) draft.forEach((item) => leafPaths(item, itemPath(path), out));
  else if (typeof draft === 'object' && draft !== null) for (const [k, v] of Object.entries(draft)) leafPaths(v, keyPath(path, k), out);
}

function finish(draft: Draft, path: string, typed: Set<string>): MessageValue {
  const dtype = DTYPES[hash(path) % DTYPES.length] ?? 'int32';
  // A path that holds a numeric array anywhere holds one everywhere (an empty one where the draft had something else).
  if (typed.has(path)) return draft instanceof TypedLeaf ? draft.variants[dtype] : new DTYPE_ARRAY[dtype](0);
  if (Array.isArray(draft)) return draft.map((item) => finish(item, itemPath(path), typed));
  if (typeof draft === 'object' && draft !== null) return finishRecord(draft as Record<string, Draft>, path, typed);
  return draft as MessageValue;
}

function finishRecord(draft: Record<string, Draft>, path: string, typed: Set<string>): MessageRecord {
  const out: MessageRecord = {};
  for (const [k, v] of Object.entries(draft)) setField(out, k, finish(v, keyPath(path, k), typed));
  return out;
}

/** Any message: nested records and lists, non-ASCII strings and keys, every dtype with -0 and (in float dtypes) NaN and ±Infinity, empty lists; one dtype per generic path. */
export const messageArbitrary: fc.Arbitrary<MessageRecord> = record.map((draft) => {
  const typed = new Set<string>();
  leafPaths(draft, '', typed);
  return finishRecord(draft, '', typed);
});

function normalizeValue(value: MessageValue, arrays: boolean): MessageValue {
  if (typeof value === 'number') return value === 0 ? 0 : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => normalizeValue(item, arrays));
  if (ArrayBuffer.isView(value)) return arrays ? value.map((v) => (v === 0 ? 0 : v)) : value;
  return withoutNegativeZero(value, arrays);
}

/** The message with -0 made 0 in plain numbers (and, with `arrays`, inside typed arrays): what msgpackr and cbor-x carry. */
export function withoutNegativeZero(message: MessageRecord, arrays: boolean): MessageRecord {
  const out: MessageRecord = {};
  for (const k of Object.keys(message)) setField(out, k, normalizeValue(message[k] as MessageValue, arrays));
  return out;
}

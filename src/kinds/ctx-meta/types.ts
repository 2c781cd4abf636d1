/** One scheduler step's control message in columnar form: the form engines should hold. */
export type CtxMeta = {
  stepId: number;
  blockSize: number;
  reqIds: string[];
  seqLens: Int32Array;
  numNewTokens: Int32Array;
  temperature: Float32Array;
  topP: Float32Array;
  topK: Int32Array;
  /** CSR offsets into blockTables, length batch + 1. */
  blockTableOffsets: Int32Array;
  blockTables: Int32Array;
  /** CSR offsets into slotMapping, length batch + 1. */
  slotOffsets: Int32Array;
  /** Slots of the last (slotOffsets[i+1] - slotOffsets[i]) context positions of each request. */
  slotMapping: Int32Array;
};

/** The fields of CtxMeta that are typed arrays, in wire order. */
export const ARRAY_FIELDS = [
  'seqLens',
  'numNewTokens',
  'temperature',
  'topP',
  'topK',
  'blockTableOffsets',
  'blockTables',
  'slotOffsets',
  'slotMapping',
] as const;

/** Name of one typed-array field of CtxMeta. */
export type ArrayField = (typeof ARRAY_FIELDS)[number];

/** Element type of each array field, as codecs put it on the wire. */
export const FIELD_DTYPE: Readonly<Record<ArrayField, 'int32' | 'float32'>> = {
  seqLens: 'int32',
  numNewTokens: 'int32',
  temperature: 'float32',
  topP: 'float32',
  topK: 'int32',
  blockTableOffsets: 'int32',
  blockTables: 'int32',
  slotOffsets: 'int32',
  slotMapping: 'int32',
};

/** One request in boxed form: plain numbers and lists, the analogue of a Python dict of lists. */
export type BoxedRequest = {
  reqId: string;
  seqLen: number;
  numNewTokens: number;
  temperature: number;
  topP: number;
  topK: number;
  blockTable: number[];
  slotMapping: number[];
};

/** The same content as CtxMeta held as plain JS objects and number[] lists. */
export type BoxedCtxMeta = {
  stepId: number;
  blockSize: number;
  requests: BoxedRequest[];
};


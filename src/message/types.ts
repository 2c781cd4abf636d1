/** Element type of a numeric array, named as numpy names it. */
export type Dtype = 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** A typed array of one of the supported dtypes (a Node Buffer counts as uint8). */
export type NumericArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** One value inside a captured message: scalars, strings, numeric arrays, lists and nested records. */
export type MessageValue = number | string | boolean | null | NumericArray | MessageValue[] | MessageRecord;

/** A captured message in columnar form: numeric lists are typed arrays. */
export interface MessageRecord {
  [key: string]: MessageValue;
}

/** One value of a message in boxed form: numeric arrays held as plain number[] lists. */
export type BoxedMessageValue = number | string | boolean | null | BoxedMessageValue[] | BoxedMessageRecord;

/** A captured message in boxed form, the analogue of a Python dict of lists. */
export interface BoxedMessageRecord {
  [key: string]: BoxedMessageValue;
}

/** Dtype of each numeric path, keyed by generic path (see paths.ts: `/a/*\/b`). */
export type DtypeMap = Record<string, Dtype>;

/** A sequence of captured messages, one per scheduler step, with the dtypes of their numeric paths. */
export interface MessageSequence {
  messages: MessageRecord[];
  dtypes: DtypeMap;
  /** Where the messages came from: a file path or a generator's description. */
  source: string;
  /** Requests per step where it is known (a generator knows; a capture may say), for tokens per second. */
  batch?: number;
}

import { bytesOf } from '../codecs/frames.js';
import type { Dtype, NumericArray } from './types.js';

type NumericArrayConstructor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

/** Every supported dtype, in wire-code order (code = index + 1 in the envelope). */
export const DTYPES: readonly Dtype[] = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64'];

/** Typed-array class of each dtype. */
export const DTYPE_ARRAY: Readonly<Record<Dtype, NumericArrayConstructor>> = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** Smallest and largest value of each integer dtype. */
export const INT_RANGE: Readonly<Record<Exclude<Dtype, 'float32' | 'float64'>, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

/** True when `name` is a supported dtype. */
export function isDtype(name: unknown): name is Dtype {
  return typeof name === 'string' && (DTYPES as readonly string[]).includes(name);
}

/** Dtype of a typed array, or null for a value that is not a supported numeric array (Uint8ClampedArray, DataView, BigInt64Array, ...). */
export function dtypeOf(value: unknown): Dtype | null {
  if (!ArrayBuffer.isView(value)) return null;
  // Buffer subclasses Uint8Array, so instanceof rather than constructor identity.
  if (value instanceof Uint8Array) return 'uint8';
  if (value instanceof Int32Array) return 'int32';
  if (value instanceof Float32Array) return 'float32';
  if (value instanceof Float64Array) return 'float64';
  if (value instanceof Int8Array) return 'int8';
  if (value instanceof Int16Array) return 'int16';
  if (value instanceof Uint16Array) return 'uint16';
  if (value instanceof Uint32Array) return 'uint32';
  return null;
}

/** True when a value is a typed array of a supported dtype. */
export function isNumericArray(value: unknown): value is NumericArray {
  return dtypeOf(value) !== null;
}

/** True when `value` is stored exactly by `dtype`: integers in range (not -0) for integer dtypes, a float32-exact value (NaN and -0 included) for float32. */
export function fitsDtype(value: number, dtype: Dtype): boolean {
  if (dtype === 'float64') return true;
  if (dtype === 'float32') return Object.is(Math.fround(value), value);
  const range = INT_RANGE[dtype as keyof typeof INT_RANGE] as readonly [number, number] | undefined;
  return range !== undefined && Number.isInteger(value) && !Object.is(value, -0) && value >= range[0] && value <= range[1];
}

/** A new typed array of `dtype` holding `values`, or the index of the first value the dtype cannot hold. */
export function numericArrayFrom(values: readonly unknown[], dtype: Dtype): NumericArray | { badIndex: number } {
  const out = new DTYPE_ARRAY[dtype](values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !fitsDtype(v, dtype)) return { badIndex: i };
    out[i] = v;
  }
  return out;
}

/** Copies little-endian bytes into a new, aligned typed array of `dtype`; returns null when the length is not whole elements. */
export function numericArrayFromBytes(bytes: Uint8Array, dtype: Dtype): NumericArray | null {
  const ctor = DTYPE_ARRAY[dtype];
  if (bytes.byteLength % ctor.BYTES_PER_ELEMENT !== 0) return null;
  const out = new ctor(bytes.byteLength / ctor.BYTES_PER_ELEMENT);
  bytesOf(out).set(bytes);
  return out;
}

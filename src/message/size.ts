import type { MessageRecord, MessageValue } from './types.js';

/** Bytes every scalar (number, boolean, null) counts for in messageByteLength: a float64. */
export const SCALAR_BYTES = 8;

function valueBytes(value: MessageValue): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value !== 'object' || value === null) return SCALAR_BYTES;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + valueBytes(item), 0);
  return messageByteLength(value);
}

/** Bytes of a message's content, with no framing: typed-array bytes, UTF-8 bytes of every string and key, and 8 per scalar (number, boolean, null). */
export function messageByteLength(message: MessageRecord): number {
  let bytes = 0;
  for (const key of Object.keys(message)) bytes += Buffer.byteLength(key, 'utf8') + valueBytes(message[key] as MessageValue);
  return bytes;
}

function valueBound(value: MessageValue): number {
  if (typeof value === 'string') return 3 * value.length + 16;
  if (typeof value !== 'object' || value === null) return 16;
  if (ArrayBuffer.isView(value)) return value.byteLength + 24;
  if (Array.isArray(value)) return value.reduce<number>((sum, item) => sum + valueBound(item), 16);
  return messageByteBound(value);
}

/** An upper bound on any encoding's size of a message (headers, tags and padding included), so encoders can allocate once. */
export function messageByteBound(message: MessageRecord): number {
  let bound = 64;
  for (const key of Object.keys(message)) bound += 3 * key.length + 16 + valueBound(message[key] as MessageValue);
  return Math.ceil(bound / 8) * 8;
}

import { DecodeError } from '../errors.js';
import { findInvalid } from '../message/record.js';
import type { BoxedMessageRecord, MessageRecord } from '../message/types.js';

/** Returns a decoded value as a columnar message, or throws DecodeError naming where it is not one (a Date, a Map, a Uint8ClampedArray, ...). */
export function checkColumnar(codec: string, value: unknown): MessageRecord {
  const bad = findInvalid(value, 'columnar');
  if (bad !== null) throw new DecodeError(codec, `${bad.path || '(message)'}: ${bad.reason}`);
  return value as MessageRecord;
}

/** Returns a decoded value as a boxed message, or throws DecodeError naming where it is not one. */
export function checkBoxed(codec: string, value: unknown): BoxedMessageRecord {
  const bad = findInvalid(value, 'boxed');
  if (bad !== null) throw new DecodeError(codec, `${bad.path || '(message)'}: ${bad.reason}`);
  return value as BoxedMessageRecord;
}

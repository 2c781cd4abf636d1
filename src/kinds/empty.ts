import type { AnyCodec } from '../codecs/types.js';
import type { StepSource } from './ctx-meta/source.js';
import type { PayloadKind } from './types.js';

/** A codec with nothing to carry: a step is the command frame alone. */
const EMPTY_CODEC: AnyCodec = {
  name: 'empty',
  form: 'columnar',
  description: 'no frames: a step is the command alone, so its stall is the harness and the transport',
  encode: () => [],
  decode: () => null,
};

/**
 * The empty message: every step goes through the same path (encode, send, receive, decode, convert, derive, answer)
 * with nothing to do at any stage, so its stall is what the harness itself costs on a transport — the baseline a
 * codec's stall is read against, as mitata measures an empty function first.
 */
export const EMPTY_KIND: PayloadKind<null> = {
  spec: { kind: 'empty' },
  strategies: ['full'],
  createCodec: () => Promise.resolve(EMPTY_CODEC),
  inFormOf: () => null,
  encode: () => [],
  toColumnar: () => null,
  schedulerSide: () => ({ wire: () => null }),
  rankSide: () => ({ apply: () => null, payloadOf: () => null, reset: () => undefined }),
  view: () => null,
  fingerprint: () => 'empty',
  byteLength: () => 0,
  diff: () => null,
  batch: () => 0,
  slots: () => 0,
};

/** `steps` empty steps. */
export function emptySource(steps: number): StepSource<null> {
  return { length: steps, batch: 0, open: () => Array.from({ length: steps }, () => null)[Symbol.iterator]() };
}

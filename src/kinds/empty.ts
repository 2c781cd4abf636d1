import type { Codec } from '../codecs/types.js';
import type { MessageKind, StepSource } from './types.js';

/** A codec with nothing to carry: a step is the command frame alone. */
const EMPTY_CODEC: Codec = {
  name: 'empty',
  form: 'columnar',
  description: 'no frames: a step is the command alone, so its stall is the harness and the transport',
  encode: () => [],
  decode: () => ({}),
};

/**
 * The empty message: every step goes through the same path (encode, send, receive, decode, convert, derive, answer)
 * with nothing to do at any stage, so its stall is what the harness itself costs on a transport — the baseline a
 * codec's stall is read against, as mitata measures an empty function first.
 */
export const EMPTY_KIND: MessageKind = {
  spec: { kind: 'empty' },
  dtypes: {},
  strategies: ['full'],
  schemaCodecs: { empty: () => EMPTY_CODEC },
  toBoxed: () => ({}),
  fromBoxed: () => ({}),
  schedulerSide: () => ({ wire: (step) => step }),
  rankSide: () => ({ apply: (wire) => wire, payloadOf: (view) => view as Record<string, never>, reset: () => undefined }),
  view: (step) => step,
  batch: () => 0,
  slots: () => 0,
};

/** `steps` empty steps. */
export function emptySource(steps: number): StepSource {
  return { length: steps, batch: 0, open: () => Array.from({ length: steps }, () => ({})) [Symbol.iterator]() };
}

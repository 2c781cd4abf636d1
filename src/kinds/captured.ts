import type { AnyCodec, Codec, FrameAllocator } from '../codecs/types.js';
import { OptionsError } from '../errors.js';
import { fromBoxedMessage, toBoxedMessage } from '../message/boxed.js';
import { createMessageCodec } from '../codecs/registry.js';
import { createShmMessageCodec } from '../codecs/shm.js';
import { messageDelta, messageDeltaDtypes } from '../message/delta.js';
import { MessageDeltaState } from '../message/delta-state.js';
import { diffMessages } from '../message/equal.js';
import { messageFingerprint } from '../message/fingerprint.js';
import { messageByteLength } from '../message/size.js';
import type { BoxedMessageRecord, DtypeMap, MessageRecord } from '../message/types.js';
import type { StrategyName } from './strategy.js';
import { codecFor } from './ctx-meta/kind.js';
import type { PayloadKind } from './types.js';

/** Strategies a captured message supports: as captured, or the generic delta. */
export const MESSAGE_STRATEGIES: readonly StrategyName[] = ['full', 'delta'];

const asMessageCodec = (codec: AnyCodec): Codec<MessageRecord, BoxedMessageRecord> => codec as Codec<MessageRecord, BoxedMessageRecord>;

function checkStrategy(strategy: StrategyName): void {
  if (!MESSAGE_STRATEGIES.includes(strategy)) {
    throw new OptionsError('strategy', `'${strategy}' applies to CtxMeta only; captured messages take ${MESSAGE_STRATEGIES.join(' or ')}`);
  }
}

/**
 * Captured messages of any shape: `full` sends each step as captured; `delta` sends what changed (unchanged fields
 * omitted, an array that only grew sends its tail) and the rank rebuilds the step. `batch` (requests per step, when
 * known) serves the tokens-per-second projection.
 */
export function messageKind(dtypes: DtypeMap, batch = 0): PayloadKind<MessageRecord> {
  const deltaDtypes = messageDeltaDtypes(dtypes);
  return {
    spec: { kind: 'message', dtypes },
    strategies: MESSAGE_STRATEGIES,
    createCodec: (ref, role) =>
      codecFor(ref, 'message', (name) =>
        name === 'shm' ? (createShmMessageCodec({ readers: role.readers ?? 0, ...(role.readerIndex !== undefined ? { readerIndex: role.readerIndex } : {}) }) as AnyCodec) : (createMessageCodec(name) as AnyCodec),
      ),
    inFormOf: (codec, payload) => (codec.form === 'boxed' ? toBoxedMessage(payload) : payload),
    encode: (codec, input, allocator: FrameAllocator) => {
      const c = asMessageCodec(codec);
      return c.form === 'boxed' ? c.encode(input as BoxedMessageRecord, allocator) : c.encode(input as MessageRecord, allocator);
    },
    // A delta's numeric paths sit under /full or /changes: the dtypes say which is which.
    toColumnar: (codec, decoded) => {
      if (codec.form !== 'boxed') return decoded as MessageRecord;
      const boxed = decoded as BoxedMessageRecord;
      return fromBoxedMessage(boxed, 'full' in boxed || 'changes' in boxed ? deltaDtypes : dtypes);
    },
    schedulerSide: (strategy) => {
      checkStrategy(strategy);
      if (strategy === 'full') return { wire: (step) => step };
      let previous: MessageRecord | null = null;
      let step = 0;
      return {
        wire: (next, restart) => {
          const delta = messageDelta(restart ? null : previous, next, step++);
          previous = next;
          return delta;
        },
      };
    },
    rankSide: (strategy) => {
      checkStrategy(strategy);
      const payloadOf = (view: unknown): MessageRecord => view as MessageRecord;
      if (strategy === 'full') return { apply: (wire) => wire, payloadOf, reset: () => undefined };
      let state = new MessageDeltaState();
      return {
        apply: (wire) => state.apply(wire),
        payloadOf,
        reset: () => {
          state = new MessageDeltaState();
        },
      };
    },
    view: (step) => step,
    fingerprint: messageFingerprint,
    byteLength: messageByteLength,
    diff: diffMessages,
    batch: () => batch,
    slots: () => 0,
  };
}

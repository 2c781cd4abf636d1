import { OptionsError } from '../errors.js';
import { fromBoxedMessage, toBoxedMessage } from '../message/boxed.js';
import { MessageError } from '../message/errors.js';
import { findInvalid } from '../message/record.js';
import { messageDelta, messageDeltaDtypes } from '../message/delta.js';
import { MessageDeltaState } from '../message/delta-state.js';
import type { DtypeMap, MessageRecord, MessageSequence } from '../message/types.js';
import type { StrategyName } from './strategy.js';
import type { MessageKind, StepSource } from './types.js';

/** Strategies a captured message supports: as captured, or the generic delta. */
export const MESSAGE_STRATEGIES: readonly StrategyName[] = ['full', 'delta'];

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
export function messageKind(dtypes: DtypeMap, batch = 0): MessageKind {
  const deltaDtypes = messageDeltaDtypes(dtypes);
  return {
    spec: { kind: 'message', dtypes },
    dtypes,
    strategies: MESSAGE_STRATEGIES,
    toBoxed: toBoxedMessage,
    // A boxed codec's decode hands over what it parsed unchecked; this kind has no shape of its own to check it
    // against, so it is checked against the message model here, timed as the rank's convert.
    // A delta's numeric paths sit under /full or /changes: the dtypes say which is which.
    fromBoxed: (boxed) => {
      const bad = findInvalid(boxed, 'boxed');
      if (bad !== null) throw new MessageError(bad.path || '(message)', bad.reason);
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
    batch: () => batch,
    slots: () => 0,
  };
}

/** A captured sequence as a kind and a step source: one message per step, in order; past the end a run restarts it (labelled). */
export function capturedInput(sequence: MessageSequence): { kind: MessageKind; source: StepSource } {
  return {
    kind: messageKind(sequence.dtypes, sequence.batch ?? 0),
    source: { length: sequence.messages.length, batch: sequence.batch ?? 0, open: () => sequence.messages[Symbol.iterator]() },
  };
}

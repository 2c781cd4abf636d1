import type { StepSource } from './ctx-meta/source.js';
import type { MessageRecord, MessageSequence } from '../message/types.js';

/** A step source over a captured sequence: one message per step, in order; past the end a run restarts it (labelled). */
export function messageSource(sequence: MessageSequence): StepSource<MessageRecord> {
  return { length: sequence.messages.length, batch: sequence.batch ?? 0, open: () => sequence.messages[Symbol.iterator]() };
}

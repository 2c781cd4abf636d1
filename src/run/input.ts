import { stepsNeeded, type SamplingPlan } from '../broadcast/sampling.js';
import { OptionsError } from '../errors.js';
import { capturedInput } from '../kinds/captured.js';
import { CTX_META_KIND } from '../kinds/ctx-meta/kind.js';
import { arraySource, extensionSource } from '../kinds/ctx-meta/source.js';
import type { CtxMeta } from '../kinds/ctx-meta/types.js';
import type { MessageKind, StepSource } from '../kinds/types.js';
import type { MessageSequence } from '../message/types.js';

/** What a driver measures: one CtxMeta (continued into steps), CtxMeta steps, a source of them, or a captured sequence. */
export type MeasureInput = CtxMeta | readonly CtxMeta[] | StepSource<CtxMeta> | MessageSequence;

/** The kind of message an input carries, and its steps. */
export function inputOf(input: MeasureInput, plan: SamplingPlan): { kind: MessageKind; source: StepSource } {
  const ctxMeta = (source: StepSource<CtxMeta>): { kind: MessageKind; source: StepSource } => ({
    kind: CTX_META_KIND as unknown as MessageKind,
    source: source as unknown as StepSource,
  });
  if (Array.isArray(input)) {
    if (input.length === 0) throw new OptionsError('payload', 'an empty sequence has nothing to measure');
    return ctxMeta(arraySource(input as readonly CtxMeta[]));
  }
  if ('messages' in input && Array.isArray(input.messages)) {
    if (input.messages.length === 0) throw new OptionsError('payload', 'an empty message sequence has nothing to measure');
    return capturedInput(input as MessageSequence);
  }
  if ('open' in input && typeof input.open === 'function') return ctxMeta(input as StepSource<CtxMeta>);
  // One payload is continued into as many decode steps as the plan needs, so no measured step wraps around.
  return ctxMeta(extensionSource(input as CtxMeta, stepsNeeded(plan)));
}

/** Throws OptionsError unless the kind takes the strategy. */
export function checkKindStrategy(kind: MessageKind, strategy: string): void {
  if (!(kind.strategies as readonly string[]).includes(strategy)) {
    throw new OptionsError('strategy', `'${strategy}' does not apply to these messages; use ${kind.strategies.join(' or ')}`);
  }
}

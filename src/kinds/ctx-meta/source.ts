import { streamExtension } from './extend.js';
import { checkStepSequenceOptions, streamSteps, type StepSequenceOptions } from './sequence.js';
import type { StepSource } from '../types.js';
import type { CtxMeta } from './types.js';
import { validateCtxMeta } from './validate.js';

/** A source over steps already in memory; each is validated once, here. */
export function arraySource(steps: readonly CtxMeta[]): StepSource<CtxMeta> {
  steps.forEach((step) => validateCtxMeta(step));
  return { length: steps.length, batch: steps[0]?.reqIds.length ?? 0, open: () => steps[Symbol.iterator]() };
}

/** A source of generated decode steps (generateStepSequence's), built one at a time without their full slots. */
export function generatedSource(options: StepSequenceOptions): StepSource<CtxMeta> {
  checkStepSequenceOptions(options);
  // Slots are left out: each strategy derives the coverage it sends, so a full slot mapping is built only for 'full'.
  return { length: options.steps, batch: options.batch, open: () => streamSteps(options, 'none') };
}

/** A source continuing one payload into consecutive decode steps (extendIntoSequence's), built one at a time. */
export function extensionSource(payload: CtxMeta, steps: number): StepSource<CtxMeta> {
  validateCtxMeta(payload);
  // Pulled once here so bad options throw now, not at the first step of a run.
  streamExtension(payload, steps, 'none').next();
  return { length: steps, batch: payload.reqIds.length, open: () => streamExtension(payload, steps, 'none') };
}

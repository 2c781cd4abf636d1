import { checkPlan, SAMPLING_PRESETS, type SamplingPlan, type SamplingPresetName } from '../broadcast/sampling.js';
import type { AllocationRegime } from '../broadcast/session.js';
import { OptionsError } from '../errors.js';
import { STEP_PRESETS, type StepPresetName } from '../model/presets.js';
import { TRANSPORT_NAMES } from '../transport/types.js';
import type { MeasuredTransport } from './report.js';

/** How often ranks check a step's rebuilt view against its fingerprint, by name. */
export const VERIFY_EVERY = { all: 1, sample: 10, none: 0 } as const;

/** Which steps ranks verify. */
export type VerifyChoice = keyof typeof VERIFY_EVERY;

/** Every n-th step verified (0: never); throws OptionsError for another choice. */
export function verifyEvery(choice: VerifyChoice): number {
  if (!Object.hasOwn(VERIFY_EVERY, choice)) throw new OptionsError('verify', 'must be all, sample or none');
  return VERIFY_EVERY[choice];
}

/** A sampling plan by preset name, or the plan given, checked. */
export function samplingPlan(sampling: SamplingPresetName | SamplingPlan): SamplingPlan {
  if (typeof sampling === 'string' && !Object.hasOwn(SAMPLING_PRESETS, sampling)) {
    throw new OptionsError('sampling', `unknown preset '${sampling}'; known: ${Object.keys(SAMPLING_PRESETS).join(', ')}`);
  }
  return checkPlan(typeof sampling === 'string' ? SAMPLING_PRESETS[sampling] : sampling);
}

/** The allocation regime asked for, checked. */
export function allocationRegime(regime: AllocationRegime): AllocationRegime {
  if (regime !== 'reused' && regime !== 'fresh') throw new OptionsError('regime', "must be 'reused' or 'fresh'");
  return regime;
}

/** A transport name, or 'none' for a run in one process, checked. */
export function measuredTransport(transport: MeasuredTransport): MeasuredTransport {
  if (transport !== 'none' && !TRANSPORT_NAMES.includes(transport)) throw new OptionsError('transport', `must be one of ${TRANSPORT_NAMES.join(', ')} or 'none'`);
  return transport;
}

/** A GPU step time and preset, checked (the projection turns them into a step time per TP). */
export function stepTimeOptions(stepMs: number | undefined, preset: StepPresetName | undefined): { stepMs: number | undefined; preset: StepPresetName | undefined } {
  if (preset !== undefined && !Object.hasOwn(STEP_PRESETS, preset)) {
    throw new OptionsError('preset', `unknown preset '${String(preset)}'; known: ${Object.keys(STEP_PRESETS).join(', ')}`);
  }
  if (stepMs !== undefined && !(Number.isFinite(stepMs) && stepMs > 0)) throw new OptionsError('stepMs', `must be a positive number of ms, got ${String(stepMs)}`);
  return { stepMs, preset };
}

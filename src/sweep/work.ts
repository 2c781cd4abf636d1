import type { SamplingPlan } from '../broadcast/sampling.js';

/** Slots a step carries that cost about as much as the step's fixed part (the transport, the bookkeeping). */
export const SLOTS_PER_STEP_UNIT = 4096;

/**
 * The prior weight of one block of a configuration whose steps carry `slots` KV slots: 1 for the step's fixed cost
 * plus one per SLOTS_PER_STEP_UNIT slots. Only the ratios matter: the progress bar measures what a unit of it takes.
 */
export function blockWork(slots: number): number {
  return 1 + Math.max(0, slots) / SLOTS_PER_STEP_UNIT;
}

/**
 * How many blocks' worth of steps a launch's first block takes, its warm-up included: the warm-up's expected length
 * (midway between its least and most steps) over the steps of one block (measured, re-warm and restart).
 */
export function warmupFactor(plan: SamplingPlan): number {
  const perBlock = Math.max(1, plan.samples / Math.max(1, plan.blocks)) + plan.rewarmSteps + 1;
  return 1 + (plan.warmup.minSteps + plan.warmup.maxSteps) / 2 / perBlock;
}

import { OptionsError } from '../errors.js';
import { requireInt } from '../options.js';
import type { StepSource } from '../payload/stream.js';
import type { CtxMeta } from '../payload/types.js';

/** When warm-up ends: once the rolling median settles, or at its caps. */
export interface WarmupPlan {
  /** Steps per window; warm-up compares each window's median stall with the one before. */
  window: number;
  /** Settled when two consecutive window medians differ by at most this share of the earlier one. */
  tolerance: number;
  /** Fewest warm-up steps, settled or not, unless maxMs runs out first (then at least MIN_WARMUP_STEPS). */
  minSteps: number;
  /** Most warm-up steps. */
  maxSteps: number;
  /** Longest warm-up, ms; a slow configuration stops warming here, after at least minSteps. */
  maxMs: number;
}

/** How many steps a configuration measures. */
export interface SamplingPlan {
  /** Measured steps wanted. */
  samples: number;
  /** Fewest measured steps, even past the budget. */
  minSamples: number;
  /** Once measuring has taken this long (ms) and minSamples are in, it stops. */
  budgetMs: number;
  warmup: WarmupPlan;
}

/** A plan of exactly `warmup` unmeasured and `steps` measured steps, for tests and fixed-length runs. */
export function fixedPlan(steps: number, warmup: number): SamplingPlan {
  return {
    samples: steps,
    minSamples: steps,
    budgetMs: Number.POSITIVE_INFINITY,
    warmup: { window: Math.max(1, warmup), tolerance: Number.POSITIVE_INFINITY, minSteps: warmup, maxSteps: warmup, maxMs: Number.POSITIVE_INFINITY },
  };
}

/** Throws OptionsError unless the plan can be run. */
export function checkPlan(plan: SamplingPlan): SamplingPlan {
  requireInt('samples', plan.samples, 1, 1_000_000);
  requireInt('minSamples', plan.minSamples, 1, plan.samples);
  requireInt('warmup.window', plan.warmup.window, 1, 100_000);
  requireInt('warmup.minSteps', plan.warmup.minSteps, 0, 1_000_000);
  requireInt('warmup.maxSteps', plan.warmup.maxSteps, plan.warmup.minSteps, 1_000_000);
  for (const [name, value] of [['budgetMs', plan.budgetMs], ['warmup.maxMs', plan.warmup.maxMs], ['warmup.tolerance', plan.warmup.tolerance]] as const) {
    if (!(value > 0)) throw new OptionsError(name, `must be positive, got ${String(value)}`);
  }
  return plan;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 === 1 ? (sorted[Math.floor(mid)] ?? Number.NaN) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
}

/** True once the last two full windows of warm-up stalls have medians within the plan's tolerance. */
export function rollingMedianSettled(stalls: readonly number[], plan: WarmupPlan): boolean {
  const w = plan.window;
  if (stalls.length < 2 * w) return false;
  const last = median(stalls.slice(stalls.length - w));
  const before = median(stalls.slice(stalls.length - 2 * w, stalls.length - w));
  return Math.abs(last - before) <= plan.tolerance * before;
}

/** Warm-up steps even a configuration whose steps outlast the whole warm-up time takes: its code has run, and run long. */
export const MIN_WARMUP_STEPS = 3;

/** Whether warm-up is over after these stalls (ms) and this much time. */
export function warmupDone(stalls: readonly number[], elapsedMs: number, plan: WarmupPlan): { done: boolean; settled: boolean } {
  const steps = stalls.length;
  if (steps >= Math.min(plan.minSteps, MIN_WARMUP_STEPS) && elapsedMs >= plan.maxMs) return { done: true, settled: false };
  if (steps < plan.minSteps) return { done: false, settled: false };
  const settled = rollingMedianSettled(stalls, plan);
  return { done: settled || steps >= plan.maxSteps, settled };
}

/** Whether measuring is over after `samples` steps and this much time. */
export function samplingDone(samples: number, elapsedMs: number, plan: SamplingPlan): boolean {
  return samples >= plan.samples || (samples >= plan.minSamples && elapsedMs >= plan.budgetMs);
}

/** Steps of a source in order, restarting it when it runs out; every first step after a (re)start is flagged. */
export interface StepCursor {
  next(): { payload: CtxMeta; restart: boolean };
  /** Starts the source again: the next step is step 0, flagged as a restart. */
  rewind(): void;
}

/** A cursor over `source`. */
export function cursorOf(source: StepSource): StepCursor {
  let iterator = source.open();
  let restart = true;
  return {
    next: () => {
      let next = iterator.next();
      if (next.done === true) {
        iterator = source.open();
        restart = true;
        next = iterator.next();
        if (next.done === true) throw new OptionsError('source', 'the step source yields no steps');
      }
      const flagged = restart;
      restart = false;
      return { payload: next.value, restart: flagged };
    },
    rewind: () => {
      iterator = source.open();
      restart = true;
    },
  };
}

/** What a sampling loop produced. */
export interface SamplingOutcome<T> {
  steps: T[];
  warmup: { steps: number; settled: boolean; ms: number };
  /** Restarts inside the measured phase (the source ran out); their steps are not in `steps`. */
  restarts: number;
}

const elapsedMs = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e6;

/**
 * Warms up until the rolling median of the stall settles (or a cap), then rewinds the source and measures until the
 * plan is met. Restart steps are run but never sampled: a wrapped delta resends every table and is a different event.
 */
export async function runSampling<T extends { restart: boolean }>(
  plan: SamplingPlan,
  cursor: StepCursor,
  runStep: (step: { payload: CtxMeta; restart: boolean }) => Promise<T>,
  stallOf: (step: T) => number,
): Promise<SamplingOutcome<T>> {
  checkPlan(plan);
  const warmupStart = process.hrtime.bigint();
  const warmStalls: number[] = [];
  let warm = warmupDone(warmStalls, 0, plan.warmup);
  while (!warm.done) {
    const record = await runStep(cursor.next());
    if (!record.restart) warmStalls.push(stallOf(record));
    warm = warmupDone(warmStalls, elapsedMs(warmupStart), plan.warmup);
  }
  const warmupMs = elapsedMs(warmupStart);
  // The measured steps start the sequence again, so what they carry does not depend on how long warm-up took.
  cursor.rewind();
  const steps: T[] = [];
  let restarts = 0;
  const measureStart = process.hrtime.bigint();
  while (!samplingDone(steps.length, elapsedMs(measureStart), plan)) {
    const record = await runStep(cursor.next());
    if (!record.restart) steps.push(record);
    else if (steps.length > 0) restarts++;
  }
  return { steps, warmup: { steps: warmStalls.length, settled: warm.settled, ms: warmupMs }, restarts };
}

/** The sampling plans the sweep and measureStall offer by name. */
export const SAMPLING_PRESETS = {
  /** At least 100 measured steps, unless a configuration's steps are so slow that 2.5 s of measuring holds fewer (never under 10). */
  full: {
    samples: 100,
    minSamples: 10,
    budgetMs: 2500,
    warmup: { window: 10, tolerance: 0.05, minSteps: 20, maxSteps: 200, maxMs: 1500 },
  },
  /** For smoke runs: 30 steps, or what 0.4 s holds (never under 5). */
  quick: {
    samples: 30,
    minSamples: 5,
    budgetMs: 400,
    warmup: { window: 5, tolerance: 0.1, minSteps: 5, maxSteps: 40, maxMs: 300 },
  },
} as const satisfies Record<string, SamplingPlan>;

/** Name of a sampling preset. */
export type SamplingPresetName = keyof typeof SAMPLING_PRESETS;

/** Steps a source must hold so that neither warm-up nor the measured steps of `plan` wrap around. */
export function stepsNeeded(plan: SamplingPlan): number {
  return Math.max(plan.samples, plan.warmup.maxSteps) + 1;
}

import { OptionsError } from '../errors.js';
import { requireInt } from '../options.js';
import type { StepSource } from '../kinds/types.js';
import type { MessageRecord } from '../message/types.js';

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
  /**
   * Blocks the measured steps are split into when several configurations are measured together (a sweep): each
   * configuration's blocks are spread over the whole run, so a slow minute of a shared machine lands on every row alike.
   */
  blocks: number;
  /** Unmeasured steps after each block's restart (capped at REWARM_MS), so a block does not sample cold buffers. */
  rewarmSteps: number;
  warmup: WarmupPlan;
}

/** A plan of exactly `warmup` unmeasured and `steps` measured steps, for tests and fixed-length runs. */
export function fixedPlan(steps: number, warmup: number): SamplingPlan {
  return {
    samples: steps,
    minSamples: steps,
    budgetMs: Number.POSITIVE_INFINITY,
    blocks: 1,
    rewarmSteps: 0,
    warmup: { window: Math.max(1, warmup), tolerance: Number.POSITIVE_INFINITY, minSteps: warmup, maxSteps: warmup, maxMs: Number.POSITIVE_INFINITY },
  };
}

/** Throws OptionsError unless the plan can be run. */
export function checkPlan(plan: SamplingPlan): SamplingPlan {
  requireInt('samples', plan.samples, 1, 1_000_000);
  requireInt('minSamples', plan.minSamples, 1, plan.samples);
  requireInt('blocks', plan.blocks, 1, plan.samples);
  requireInt('rewarmSteps', plan.rewarmSteps, 0, 1000);
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

/** Steps of a source in order, restarting it when it runs out; every first step after a (re)start is flagged. */
export interface StepCursor<P extends MessageRecord = MessageRecord> {
  next(): { payload: P; restart: boolean };
  /** Starts the source again: the next step is step 0, flagged as a restart. */
  rewind(): void;
  /** Flags the next step as a restart without moving: the ranks lost their state (a new configuration). */
  restartHere(): void;
}

/** A cursor over `source`. */
export function cursorOf<P extends MessageRecord>(source: StepSource<P>): StepCursor<P> {
  // With one step every step starts the sequence again, and a restart is never a sample: nothing could be measured.
  if (source.length < 2) throw new OptionsError('source', `needs at least 2 steps, has ${source.length}: every step of a 1-step sequence restarts it, and restarts are never sampled`);
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
    restartHere: () => {
      restart = true;
    },
  };
}

/** How warm-up ended. */
export interface WarmupOutcome {
  steps: number;
  settled: boolean;
  ms: number;
}

/** One block of measured steps. */
export interface BlockOptions {
  /** Measured steps wanted from this block. */
  want: number;
  /** Once the block has measured this long (ms) and taken minTake, it stops. */
  budgetMs: number;
  /** Fewest measured steps in this block, even past its budget. */
  minTake: number;
  /**
   * Unmeasured steps after the block's restart, while they take under 50 ms in all: a block after a new configuration
   * starts with fresh buffers and a shared-memory ring whose slots are not yet touched. @default 0
   */
  rewarmSteps?: number;
}

/** What a block measured. */
export interface BlockOutcome<T> {
  steps: T[];
  /** Restarts inside the block after its first step (the source ran out); their steps are not in `steps`. */
  restarts: number;
  /** Unmeasured steps the block began with: the restart after a new configuration, which also re-warms the caches. */
  rewarmSteps: number;
  /** Time spent in the measured steps only (ms): what a configuration's budget is charged, not its restarts or re-warm. */
  measuredMs: number;
}

const elapsedMs = (since: bigint): number => Number(process.hrtime.bigint() - since) / 1e6;

/** Longest re-warm at the start of a block: a slow configuration's first step after its restart is warm enough. */
export const REWARM_MS = 50;

/** Page faults a step may take beyond the fewest of its warm-up and still count as warm: 256 KiB of fresh pages. */
export const WARM_FAULT_SLACK = 64;

/** Most steps a block re-warms for while its steps still fault fresh memory in (a shared-memory ring's slots, one a step). */
export const MAX_COLD_REWARM_STEPS = 16;

/** Longest a block re-warms for fresh memory, ms: a configuration whose steps never come back near warm-up's is sampled as it is. */
export const COLD_REWARM_MS = 1000;

/** Runs steps from a cursor: warm-up until the rolling median settles, and blocks of measured steps. */
export interface SamplingDriver<T> {
  warmUp(plan: WarmupPlan): Promise<WarmupOutcome>;
  block(options: BlockOptions): Promise<BlockOutcome<T>>;
}

/**
 * A driver over `runStep`. Restart steps are run but never sampled: a wrapped delta resends every table and is a
 * different event; a block begins with one (and re-warm steps) whenever the ranks were configured anew before it.
 */
export function samplingDriver<T extends { restart: boolean }, P extends MessageRecord>(
  cursor: StepCursor<P>,
  runStep: (step: { payload: P; restart: boolean }) => Promise<T>,
  stallOf: (step: T) => number,
  faultsOf?: (step: T) => number,
): SamplingDriver<T> {
  // The fewest page faults a warm step took: a block configured anew starts on fresh memory (a new codec's ring),
  // and is not sampled until its steps are back near it, so first touches are not timed as the codec's cost.
  let warmFaults = Number.POSITIVE_INFINITY;
  let coldSteps = 0;
  let coldSince = process.hrtime.bigint();
  const cold = (record: T): boolean =>
    faultsOf !== undefined && coldSteps < MAX_COLD_REWARM_STEPS && elapsedMs(coldSince) < COLD_REWARM_MS && faultsOf(record) > warmFaults + WARM_FAULT_SLACK;
  return {
    warmUp: async (plan) => {
      const start = process.hrtime.bigint();
      const stalls: number[] = [];
      let warm = warmupDone(stalls, 0, plan);
      while (!warm.done) {
        const record = await runStep(cursor.next());
        if (!record.restart) {
          stalls.push(stallOf(record));
          if (faultsOf !== undefined) warmFaults = Math.min(warmFaults, faultsOf(record));
        }
        warm = warmupDone(stalls, elapsedMs(start), plan);
      }
      return { steps: stalls.length, settled: warm.settled, ms: elapsedMs(start) };
    },
    block: async ({ want, budgetMs, minTake, rewarmSteps: rewarm = 0 }) => {
      let rewarmSteps = 0;
      const rewarmStart = process.hrtime.bigint();
      let firstStart = rewarmStart;
      let first = await runStep(cursor.next());
      // A block that begins with a restart (a new configuration) is not sampled from that step, nor from the few after it;
      // one without (a run in this process, which keeps its state) still follows another configuration's work: the few only.
      const restarted = first.restart;
      coldSteps = 0;
      coldSince = process.hrtime.bigint();
      while (first.restart || (rewarmSteps < rewarm + (restarted ? 1 : 0) && elapsedMs(rewarmStart) < REWARM_MS) || (restarted && cold(first))) {
        if (!first.restart && cold(first)) coldSteps++;
        rewarmSteps++;
        firstStart = process.hrtime.bigint();
        first = await runStep(cursor.next());
      }
      const firstMs = elapsedMs(firstStart);
      const steps: T[] = [first];
      let restarts = 0;
      const start = process.hrtime.bigint();
      while (steps.length < want && !(steps.length >= minTake && firstMs + elapsedMs(start) >= budgetMs)) {
        const record = await runStep(cursor.next());
        if (record.restart) restarts++;
        else steps.push(record);
      }
      return { steps, restarts, rewarmSteps, measuredMs: firstMs + elapsedMs(start) };
    },
  };
}

/** What a single-block sampling run produced. */
export interface SamplingOutcome<T> {
  steps: T[];
  warmup: WarmupOutcome;
  /** Restarts inside the measured phase (the source ran out); their steps are not in `steps`. */
  restarts: number;
}

/**
 * Warms up until the rolling median of the stall settles (or a cap), then rewinds the source and measures one block
 * until the plan is met; the measured steps start the sequence again, so what they carry does not depend on warm-up.
 */
export async function runSampling<T extends { restart: boolean }, P extends MessageRecord>(
  plan: SamplingPlan,
  cursor: StepCursor<P>,
  runStep: (step: { payload: P; restart: boolean }) => Promise<T>,
  stallOf: (step: T) => number,
): Promise<SamplingOutcome<T>> {
  checkPlan(plan);
  const driver = samplingDriver(cursor, runStep, stallOf);
  const warmup = await driver.warmUp(plan.warmup);
  cursor.rewind();
  const block = await driver.block({ want: plan.samples, budgetMs: plan.budgetMs, minTake: plan.minSamples });
  return { steps: block.steps, warmup, restarts: block.restarts };
}

/** The sampling plans the sweep and measureStall offer by name. */
export const SAMPLING_PRESETS = {
  /** At least 100 measured steps in 10 blocks, unless a configuration's steps are so slow that 2.5 s of measuring holds fewer (never under 10). */
  full: {
    samples: 100,
    minSamples: 10,
    budgetMs: 2500,
    blocks: 10,
    rewarmSteps: 5,
    warmup: { window: 10, tolerance: 0.05, minSteps: 20, maxSteps: 200, maxMs: 600 },
  },
  /** For smoke runs: 32 steps in 8 blocks, enough blocks for compare to test, or what 0.4 s holds (never under 8). */
  quick: {
    samples: 32,
    minSamples: 8,
    budgetMs: 400,
    blocks: 8,
    rewarmSteps: 2,
    warmup: { window: 5, tolerance: 0.1, minSteps: 5, maxSteps: 40, maxMs: 300 },
  },
} as const satisfies Record<string, SamplingPlan>;

/** Name of a sampling preset. */
export type SamplingPresetName = keyof typeof SAMPLING_PRESETS;

/** Steps a source must hold so that neither warm-up nor the measured steps of `plan` wrap around (each block restarts and re-warms on a few). */
export function stepsNeeded(plan: SamplingPlan): number {
  return Math.max(plan.samples + plan.blocks * (1 + plan.rewarmSteps + MAX_COLD_REWARM_STEPS), plan.warmup.maxSteps) + 1;
}

/**
 * How many steps a configuration's next block asks for, spreading what is left over the blocks that are left. Every
 * configuration gets all its blocks, a slow one at least a step each once its budget is spent, so its samples span the
 * whole run like every other configuration's.
 */
export function nextBlock(plan: SamplingPlan, done: { samples: number; measuredMs: number; blocks: number }): BlockOptions | null {
  const left = plan.blocks - done.blocks;
  const enough = done.samples >= plan.samples || (left <= 0 && done.samples >= plan.minSamples);
  if (enough) return null;
  const blocksLeft = Math.max(1, left);
  return {
    want: Math.ceil((plan.samples - done.samples) / blocksLeft),
    budgetMs: Math.max(0, plan.budgetMs - done.measuredMs) / blocksLeft,
    minTake: Math.max(1, Math.ceil((plan.minSamples - done.samples) / blocksLeft)),
    // The first block follows warm-up; every later one follows another configuration's block.
    rewarmSteps: done.blocks === 0 ? 0 : plan.rewarmSteps,
  };
}

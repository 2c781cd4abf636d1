import type { StepRecord } from '../broadcast/records.js';
import { faultsOfStep, stallOf } from '../broadcast/session.js';
import { WARM_FAULT_SLACK } from '../broadcast/sampling.js';
import { quantile } from '../stats/quantile.js';
import { summarizeSamples } from '../stats/summary.js';

/** A step is slow above this multiple of its row's median stall. */
export const SLOW_STEP_FACTOR = 3;

/** What the slow steps of a row had in common: where its tail comes from. */
export interface TailAttribution {
  /** SLOW_STEP_FACTOR × the median stall, ms: a step above it is slow. */
  thresholdMs: number;
  steps: number;
  /** Steps above the threshold. */
  slow: number;
  /**
   * Shares of the slow steps that were held up waiting for a core (their processes' main threads runnable on a run
   * queue for a third of the step's time beyond the median, or an involuntary switch where the kernel does not say),
   * during which some process collected garbage, or that took more page faults than the row's median step plus 64;
   * `any`: one of them.
   */
  slowWith: { preemption: number; gc: number; faults: number; any: number };
  /** Over every step: the share that waited for a core at all (50 µs), collected garbage or faulted: what the row's steps have anyway. */
  allWith: { preemption: number; gc: number; faults: number };
  /** The stall p99 with the slow steps that had a preemption, GC or faults left out; the true p99 stays report.stall.p99. */
  p99Without: number;
  /** At least 3 slow steps, and more than half of them had a preemption: a tail of the machine, not of the codec. */
  mostlyPreemption: boolean;
}

/** Run-queue wait below which a step did not wait for a core, µs. */
export const PREEMPTION_MIN_US = 50;

/** The time a step's processes' main threads spent runnable on a run queue, without a core, µs; NaN where the kernel does not say. */
function waitedForCoreUs(s: StepRecord): number {
  const waits = [s.runQueueUs, ...s.ranks.map((r) => r.runQueueUs)].filter((w) => !Number.isNaN(w));
  return waits.length === 0 ? Number.NaN : waits.reduce((sum, w) => sum + w, 0);
}

/**
 * Whether a step was held up waiting for a core: for at least PREEMPTION_MIN_US and `shareOf` of `excessMs` (a slow
 * step's time beyond the median, so the wait accounts for a part of its tail); where the kernel does not say, an
 * involuntary context switch of any of its processes.
 */
function preempted(s: StepRecord, excessMs = 0, shareOf = 0): boolean {
  const waitedUs = waitedForCoreUs(s);
  if (Number.isNaN(waitedUs)) return s.involuntary > 0 || s.ranks.some((r) => r.involuntary > 0);
  return waitedUs >= Math.max(PREEMPTION_MIN_US, 1000 * excessMs * shareOf);
}

/** The share of a slow step's excess over the median that waiting for a core must account for to explain it. */
export const PREEMPTION_SHARE = 1 / 3;
const collected = (s: StepRecord): boolean => s.gcMs > 0 || s.ranks.some((r) => r.gcMs > 0);

/** Attributes a row's slow steps to preemption, GC and page faults from what every process counted over each step. */
export function tailAttribution(steps: readonly StepRecord[]): TailAttribution {
  const stalls = steps.map(stallOf);
  const median = quantile([...stalls].sort((a, b) => a - b), 0.5);
  const usualFaults = quantile(steps.map(faultsOfStep).sort((a, b) => a - b), 0.5);
  const faulted = (s: StepRecord): boolean => faultsOfStep(s) > usualFaults + WARM_FAULT_SLACK;
  const thresholdMs = SLOW_STEP_FACTOR * median;
  const slow = steps.filter((_, i) => (stalls[i] as number) > thresholdMs);
  const share = (of: readonly StepRecord[], has: (s: StepRecord) => boolean): number => (of.length === 0 ? 0 : of.filter(has).length / of.length);
  // A slow step counts as preempted when waiting for a core accounts for a third of its time beyond the median.
  const slowPreempted = (s: StepRecord): boolean => preempted(s, stallOf(s) - median, PREEMPTION_SHARE);
  const explained = (s: StepRecord): boolean => slowPreempted(s) || collected(s) || faulted(s);
  const kept = stalls.filter((stall, i) => !(stall > thresholdMs && explained(steps[i] as StepRecord)));
  const preemptionShare = share(slow, slowPreempted);
  return {
    thresholdMs,
    steps: steps.length,
    slow: slow.length,
    slowWith: { preemption: preemptionShare, gc: share(slow, collected), faults: share(slow, faulted), any: share(slow, explained) },
    allWith: { preemption: share(steps, (s) => preempted(s)), gc: share(steps, collected), faults: share(steps, faulted) },
    p99Without: kept.length === 0 ? Number.NaN : summarizeSamples(kept).p99,
    mostlyPreemption: slow.length >= 3 && preemptionShare > 0.5,
  };
}

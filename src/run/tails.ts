import type { RankTimes, StepRecord } from '../broadcast/records.js';
import { faultsOfStep, stallOf } from '../broadcast/session.js';
import { WARM_FAULT_SLACK } from '../broadcast/sampling.js';
import { quantile } from '../stats/quantile.js';
import { summarizeSamples } from '../stats/summary.js';

/** A step is slow above this multiple of its row's median stall. */
export const SLOW_STEP_FACTOR = 3;

/** Run-queue wait below which a step did not wait for a core, µs. */
export const PREEMPTION_MIN_US = 50;

/** The share of a slow step's time beyond the median that a wait for a core, or GC, must account for to explain it. */
export const EXPLAINED_SHARE = 1 / 3;

/** What the slow steps of a row had in common: where its tail comes from. */
export interface TailAttribution {
  /** SLOW_STEP_FACTOR × the median stall, ms: a step above it is slow. */
  thresholdMs: number;
  steps: number;
  /** Steps above the threshold. */
  slow: number;
  /**
   * Shares of the slow steps whose critical path (the scheduler and the rank that was ready last) waited for a core —
   * main threads runnable on a run queue — or collected garbage for a third of the step's time beyond the median
   * (`preemption`, `gc`; where the kernel does not give the run-queue wait, an involuntary switch counts), and that
   * took 64 page faults more than the row's median step (`faults`, a correlate: its cost is not measured); `any`:
   * preempted or collected.
   */
  slowWith: { preemption: number; gc: number; faults: number; any: number };
  /** Over every step: the share whose critical path waited for a core at all (50 µs), collected garbage or faulted. */
  allWith: { preemption: number; gc: number; faults: number };
  /** The stall p99 with the slow steps explained by preemption or GC left out; the true p99 stays report.stall.p99. */
  p99Without: number;
  /**
   * At least 3 slow steps and more than half of them preempted, in a run whose steps came back to back: there a
   * process's counters cover little beyond the step, so the tail is the machine's. Never set for a run with an idle
   * gap (--idle-ms), whose counters also hold the wait through it.
   */
  mostlyPreemption: boolean;
}

/** The rank whose readiness ended the step. */
function lastRank(s: StepRecord): RankTimes | undefined {
  return s.ranks.reduce<RankTimes | undefined>((last, r) => (last === undefined || r.readyNs > last.readyNs ? r : last), undefined);
}

/** The scheduler and the last-ready rank: the processes the step's stall ran through. */
const criticalOf = (s: StepRecord): Pick<RankTimes, 'runQueueUs' | 'gcMs' | 'involuntary'>[] => [s, ...(lastRank(s) === undefined ? [] : [lastRank(s) as RankTimes])];

/** Time the critical path waited for a core, µs; NaN where the kernel does not say. */
function waitedForCoreUs(s: StepRecord): number {
  const waits = criticalOf(s).map((p) => p.runQueueUs).filter((w) => !Number.isNaN(w));
  return waits.length === 0 ? Number.NaN : waits.reduce((sum, w) => sum + w, 0);
}

/** Whether the step's critical path waited for a core for at least PREEMPTION_MIN_US and `needUs`. */
function preempted(s: StepRecord, needUs = 0): boolean {
  const waitedUs = waitedForCoreUs(s);
  if (Number.isNaN(waitedUs)) return criticalOf(s).some((p) => p.involuntary > 0);
  return waitedUs >= Math.max(PREEMPTION_MIN_US, needUs);
}

/** Whether the step's critical path collected garbage for more than 0 and at least `needMs`. */
const collected = (s: StepRecord, needMs = 0): boolean => {
  const ms = criticalOf(s).reduce((sum, p) => sum + p.gcMs, 0);
  return ms > 0 && ms >= needMs;
};

/** Attributes a row's slow steps to preemption, GC and page faults from what its processes counted over each step. */
export function tailAttribution(steps: readonly StepRecord[], options: { idleGap?: boolean } = {}): TailAttribution {
  const stalls = steps.map(stallOf);
  const median = quantile([...stalls].sort((a, b) => a - b), 0.5);
  const usualFaults = quantile(steps.map(faultsOfStep).sort((a, b) => a - b), 0.5);
  const faulted = (s: StepRecord): boolean => faultsOfStep(s) > usualFaults + WARM_FAULT_SLACK;
  const thresholdMs = SLOW_STEP_FACTOR * median;
  const slow = steps.filter((_, i) => (stalls[i] as number) > thresholdMs);
  const share = (of: readonly StepRecord[], has: (s: StepRecord) => boolean): number => (of.length === 0 ? 0 : of.filter(has).length / of.length);
  // A slow step is explained by what accounts for a third of its time beyond the median.
  const excessMs = (s: StepRecord): number => stallOf(s) - median;
  const slowPreempted = (s: StepRecord): boolean => preempted(s, 1000 * EXPLAINED_SHARE * excessMs(s));
  const slowCollected = (s: StepRecord): boolean => collected(s, EXPLAINED_SHARE * excessMs(s));
  const explained = (s: StepRecord): boolean => slowPreempted(s) || slowCollected(s);
  const kept = stalls.filter((stall, i) => !(stall > thresholdMs && explained(steps[i] as StepRecord)));
  const preemptionShare = share(slow, slowPreempted);
  return {
    thresholdMs,
    steps: steps.length,
    slow: slow.length,
    slowWith: { preemption: preemptionShare, gc: share(slow, slowCollected), faults: share(slow, faulted), any: share(slow, explained) },
    allWith: { preemption: share(steps, (s) => preempted(s)), gc: share(steps, (s) => collected(s)), faults: share(steps, faulted) },
    p99Without: kept.length === 0 ? Number.NaN : summarizeSamples(kept).p99,
    mostlyPreemption: options.idleGap !== true && slow.length >= 3 && preemptionShare > 0.5,
  };
}

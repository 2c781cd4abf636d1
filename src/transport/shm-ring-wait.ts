import { OptionsError } from '../errors.js';
import { requireInt } from '../options.js';

/**
 * How one end of a shm-ring waits for the other: poll the shared word without pause for `spinUs`, then sleep in the
 * kernel: `sleepMinUs` at a time while the other end was heard from within `activeMs` (a run of steps), then pauses
 * that double up to `sleepMaxUs` (an idle end); and give Node's event loop a turn at least every `yieldEveryMs`
 * throughout, so signals, child exits and a lost parent are still handled.
 */
export interface WaitPolicy {
  /** Busy-polling time before the first sleep, µs. */
  spinUs: number;
  /** Sleep while the other end is active, µs (the kernel adds its timer slack, ~50 µs, to each). */
  sleepMinUs: number;
  /** Longest sleep, µs: an idle end wakes this often. */
  sleepMaxUs: number;
  /** How long after the last message an end counts as active and keeps its shortest sleep, ms. */
  activeMs: number;
  /** Longest stretch without a turn of Node's event loop, ms. */
  yieldEveryMs: number;
  /**
   * Where present, each wait's spin follows the gap between the messages this end heard, in the spirit of vLLM's RFC
   * #52916: clamp(pivot² / the median of the last 8 gaps, min, max), so steps that come quickly are spun for and slow
   * ones slept through; spinUs is then only the first wait's.
   */
  adaptive?: AdaptiveGrace;
}

/** The bounds of an adaptive spin grace, µs. */
export interface AdaptiveGrace {
  /** The gap at which the grace equals it: shorter gaps spin longer, longer gaps shorter. */
  pivotUs: number;
  minUs: number;
  maxUs: number;
}

/**
 * Spin for up to 20 ms where every process has a core of its own and one is left for the rest of the machine (Node's
 * own threads, a neighbour); else back off after 50 µs, since a spinning end on a shared core delays the very process
 * it waits for by a time slice. At tp=2 on two cores spinning lowers a small message's median step but not its tail,
 * and slows whatever else runs: pass `wait.spinUs` to choose it.
 */
export function defaultWaitPolicy(processes: number, cores: number): WaitPolicy {
  return { spinUs: processes < cores ? 20_000 : 50, sleepMinUs: 50, sleepMaxUs: 1000, activeMs: 100, yieldEveryMs: 2 };
}

/** Fills `wanted` from `base` and checks every field; throws OptionsError. */
export function resolveWaitPolicy(wanted: Partial<WaitPolicy>, base: WaitPolicy): WaitPolicy {
  const policy: WaitPolicy = {
    spinUs: requireInt('wait.spinUs', wanted.spinUs ?? base.spinUs, 0, 60_000_000),
    sleepMinUs: requireInt('wait.sleepMinUs', wanted.sleepMinUs ?? base.sleepMinUs, 1, 1_000_000),
    sleepMaxUs: requireInt('wait.sleepMaxUs', wanted.sleepMaxUs ?? base.sleepMaxUs, 1, 1_000_000),
    activeMs: requireInt('wait.activeMs', wanted.activeMs ?? base.activeMs, 0, 3_600_000),
    yieldEveryMs: requireInt('wait.yieldEveryMs', wanted.yieldEveryMs ?? base.yieldEveryMs, 1, 1000),
  };
  if (policy.sleepMaxUs < policy.sleepMinUs) throw new OptionsError('wait.sleepMaxUs', 'must be at least wait.sleepMinUs');
  const adaptive = wanted.adaptive ?? base.adaptive;
  if (adaptive !== undefined) {
    policy.adaptive = {
      pivotUs: requireInt('wait.adaptive.pivotUs', adaptive.pivotUs, 1, 60_000_000),
      minUs: requireInt('wait.adaptive.minUs', adaptive.minUs, 0, 60_000_000),
      maxUs: requireInt('wait.adaptive.maxUs', adaptive.maxUs, 0, 60_000_000),
    };
    if (policy.adaptive.maxUs < policy.adaptive.minUs) throw new OptionsError('wait.adaptive.maxUs', 'must be at least wait.adaptive.minUs');
  }
  return policy;
}

/** The spin of one end's successive waits: the policy's spinUs, or an adaptive grace learnt from the gaps it heard. */
export interface SpinGrace {
  /** The spin, µs, for the wait about to start. */
  us(): number;
  /** Marks a message heard now. */
  heard(): void;
}

// Gaps the adaptive grace remembers: their median follows the steps and shrugs off one configure's or ping's long gap.
const GAPS_KEPT = 8;

/** The grace of `policy` for one end; a fixed policy's is its spinUs. */
export function spinGraceOf(policy: WaitPolicy): SpinGrace {
  const adaptive = policy.adaptive;
  if (adaptive === undefined) return { us: () => policy.spinUs, heard: () => undefined };
  const gaps: number[] = [];
  let last: number | null = null;
  return {
    us: () => {
      // No gap heard yet: the pivot itself.
      const sorted = [...gaps].sort((a, b) => a - b);
      const gapUs = sorted.length === 0 ? adaptive.pivotUs : (sorted[Math.floor((sorted.length - 1) / 2)] as number);
      return Math.min(adaptive.maxUs, Math.max(adaptive.minUs, Math.round(adaptive.pivotUs ** 2 / Math.max(1, gapUs))));
    },
    heard: () => {
      const now = performance.now();
      if (last !== null) {
        gaps.push((now - last) * 1000);
        if (gaps.length > GAPS_KEPT) gaps.shift();
      }
      last = now;
    },
  };
}

// A private word nobody notifies: Atomics.wait on it is a sleep in the kernel with a sub-millisecond timeout.
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for about `us` µs without using the CPU. */
export function sleepUs(us: number): void {
  Atomics.wait(pause, 0, 0, us / 1000);
}

/**
 * Sleeps `ms` as a process waiting on its GPU would, using no CPU: a timer for the bulk, then short kernel sleeps to
 * the deadline, since a timer alone wakes up to a millisecond late.
 */
export async function idleFor(ms: number): Promise<void> {
  if (!(ms > 0)) return;
  const deadline = performance.now() + ms;
  if (ms > 2) await new Promise((resolve) => setTimeout(resolve, ms - 2));
  for (let left = deadline - performance.now(); left > 0; left = deadline - performance.now()) sleepUs(Math.min(200, left * 1000));
}

/** One turn of Node's event loop (timers, I/O, signals) before the caller goes on. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
// Polls between two looks at the clock while spinning.
const SPIN_BATCH = 64;

/**
 * Polls `ready()` without yielding for up to `us` µs; true once it holds. Resuming an awaited wait costs a few
 * microtask hops (~1 µs each here), so a reader that expects its message within the spin waits for it this way.
 */
export function spinUntil(ready: () => boolean, us: number): boolean {
  if (ready()) return true;
  const end = performance.now() + us / 1000;
  do {
    for (let i = 0; i < SPIN_BATCH; i++) if (ready()) return true;
  } while (performance.now() < end);
  return ready();
}

/** What a wait may know beyond its condition. */
export interface WaitContext {
  /** Stops the wait (it resolves false), e.g. once the transport is closed. */
  cancelled?: () => boolean;
  /** performance.now() at or after the last message from the other end (a rank stamps it when it next waits); the wait's own start when absent. */
  lastActive?: number;
}

/**
 * Resolves true once `ready()` holds, or false when `timeoutMs` has passed or the wait is cancelled: spinning, then
 * sleeping with back-off, as `policy` says, and never blocking the event loop for longer than `policy.yieldEveryMs`.
 */
export async function waitUntil(ready: () => boolean, timeoutMs: number, policy: WaitPolicy, context: WaitContext = {}): Promise<boolean> {
  if (ready()) return true;
  const start = performance.now();
  const cancelled = context.cancelled ?? ((): boolean => false);
  const activeUntil = (context.lastActive ?? start) + policy.activeMs;
  let lastTurn = start;
  let sleep = policy.sleepMinUs;
  for (;;) {
    if (cancelled()) return false;
    const now = performance.now();
    const waited = now - start;
    if (waited >= timeoutMs) return ready();
    if (now - lastTurn >= policy.yieldEveryMs) {
      await turn();
      lastTurn = performance.now();
      continue;
    }
    if (waited * 1000 < policy.spinUs) {
      for (let i = 0; i < SPIN_BATCH; i++) if (ready()) return true;
      continue;
    }
    sleepUs(Math.min(sleep, (timeoutMs - waited) * 1000));
    if (now >= activeUntil) sleep = Math.min(2 * sleep, policy.sleepMaxUs);
    if (ready()) return true;
  }
}

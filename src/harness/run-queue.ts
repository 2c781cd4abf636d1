import { closeSync, openSync, readSync } from 'node:fs';

/** Time this process's main thread has waited on a run queue, runnable but without a core: a preemption's cost. */
export interface RunQueueClock {
  /** Cumulative run-queue wait, µs; NaN where the kernel does not expose it. */
  readUs(): number;
  close(): void;
}

/**
 * Reads /proc/self/schedstat (on-CPU ns, run-queue wait ns, time slices of the main thread) by pread, a few µs each,
 * from a descriptor kept open; where the file cannot be opened every read is NaN.
 */
export function runQueueClock(): RunQueueClock {
  let fd: number | null = null;
  try {
    fd = openSync('/proc/self/schedstat', 'r');
  } catch {
    fd = null;
  }
  const buffer = Buffer.alloc(128);
  return {
    readUs: () => {
      if (fd === null) return Number.NaN;
      const length = readSync(fd, buffer, 0, buffer.length, 0);
      const waitNs = Number(buffer.toString('latin1', 0, length).split(' ')[1]);
      return Number.isFinite(waitNs) ? waitNs / 1000 : Number.NaN;
    },
    close: () => {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

/** What a step's processes count, cumulative: minor page faults, involuntary context switches, run-queue wait (µs, NaN where unknown). */
export interface StepCounters {
  faults: number;
  involuntary: number;
  runQueueUs: number;
}

// One descriptor for the process: every reader of its counters reads the same main thread's run-queue wait.
let processClock: RunQueueClock | null = null;

/** This process's counters so far, from one getrusage and one pread; a step's are the difference of two readings. */
export function readCounters(): StepCounters {
  processClock ??= runQueueClock();
  const usage = process.resourceUsage();
  return { faults: usage.minorPageFault, involuntary: usage.involuntaryContextSwitches, runQueueUs: processClock.readUs() };
}

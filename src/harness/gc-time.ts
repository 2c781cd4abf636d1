import { PerformanceObserver } from 'node:perf_hooks';

/** This process's garbage-collection time in windows: each take() closes the window the last one opened. */
export interface GcWindow {
  /** GC time reported since the previous take (or since the window was made), ms. */
  take(): number;
}

// One observer for the process: Node makes a 'gc' entry for each collection only while one observes them.
let observed = 0;
let observer: PerformanceObserver | null = null;

/**
 * A window over the GC entries Node reports to a PerformanceObserver: a take sums what was delivered since the last,
 * costing nothing inside a step and adding no work to a collection. Entries arrive on the event loop after their
 * collection, so one that ends a step's work can be counted with the next step.
 */
export function gcWindow(): GcWindow {
  if (observer === null) {
    observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) observed += entry.duration;
    });
    observer.observe({ entryTypes: ['gc'] });
  }
  let seen = observed;
  return {
    take: () => {
      const ms = observed - seen;
      seen = observed;
      return ms;
    },
  };
}

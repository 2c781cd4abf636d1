import { GCProfiler } from 'node:v8';

/** This process's garbage-collection time in windows: each take() closes the window the last one opened. */
export interface GcWindow {
  /** GC time since the previous take (or since the window was made), ms. */
  take(): number;
}

/**
 * A window over V8's own GC accounting (GCProfiler): its stop hands back every collection since its start, so a take
 * costs a few microseconds and is made outside the timed parts of a step.
 */
export function gcWindow(): GcWindow {
  let profiler = new GCProfiler();
  profiler.start();
  return {
    take: () => {
      const report = profiler.stop();
      profiler = new GCProfiler();
      profiler.start();
      // GCProfiler reports each collection's cost in µs.
      return (report?.statistics ?? []).reduce((sum, gc) => sum + gc.cost, 0) / 1000;
    },
  };
}

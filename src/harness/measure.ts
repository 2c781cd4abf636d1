import { Bench } from 'tinybench';

/** Latency statistics of one timed operation, in milliseconds. */
export interface LatencyStats {
  p50: number;
  p99: number;
  mean: number;
  /** Relative margin of error of the mean, in percent (95% confidence). */
  rme: number;
  samples: number;
}

/** How long to time each operation. */
export interface TimingBudget {
  /** Minimum time per task in ms. @default 500 */
  timeMs?: number;
  /** Minimum samples per task. @default 10 */
  iterations?: number;
  /** Warm-up time in ms before sampling. @default 100 */
  warmupMs?: number;
}

// A module-level sink that every timed result is written to, so V8 cannot prove the work dead and drop it.
const sink: { value: unknown } = { value: undefined };

/** Times each function with tinybench, sequentially, and returns latency stats by name. */
export async function measureLatencies(
  tasks: Readonly<Record<string, () => unknown>>,
  budget: TimingBudget = {},
): Promise<Record<string, LatencyStats>> {
  const bench = new Bench({
    time: budget.timeMs ?? 500,
    iterations: budget.iterations ?? 10,
    warmupTime: budget.warmupMs ?? 100,
    warmupIterations: 2,
    throws: true,
  });
  for (const [name, fn] of Object.entries(tasks)) {
    bench.add(name, () => {
      sink.value = fn();
    });
  }
  await bench.run();
  const out: Record<string, LatencyStats> = {};
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`benchmark task ${task.name} ended ${result.state}`);
    const { p50, p99, mean, rme, samplesCount } = result.latency;
    out[task.name] = { p50, p99, mean, rme, samples: samplesCount };
  }
  return out;
}

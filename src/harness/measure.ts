import { Bench } from 'tinybench';
import { summarizeSamples, type SampleSummary } from '../stats/summary.js';

/** How long to time each operation. */
export interface TimingBudget {
  /** Minimum time per task in ms. @default 500 */
  timeMs?: number;
  /** Minimum samples per task. @default 10 */
  iterations?: number;
  /** Warm-up time in ms before sampling. @default 100 */
  warmupMs?: number;
}

/** One task's timing: the summary and the raw samples (ms) it came from. */
export interface TimedTask {
  summary: SampleSummary;
  samples: number[];
}

// A module-level sink that every timed result is written to, so V8 cannot prove the work dead and drop it.
const sink: { value: unknown } = { value: undefined };

/** Times each function with tinybench, sequentially, and returns each one's summary and raw samples by name. */
export async function measureLatencies(tasks: Readonly<Record<string, () => unknown>>, budget: TimingBudget = {}): Promise<Record<string, TimedTask>> {
  const bench = new Bench({
    time: budget.timeMs ?? 500,
    iterations: budget.iterations ?? 10,
    warmupTime: budget.warmupMs ?? 100,
    warmupIterations: 2,
    retainSamples: true,
    throws: true,
  });
  for (const [name, fn] of Object.entries(tasks)) {
    bench.add(name, () => {
      sink.value = fn();
    });
  }
  await bench.run();
  const out: Record<string, TimedTask> = {};
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`benchmark task ${task.name} ended ${result.state}`);
    const samples = [...(result.latency.samples ?? [])];
    out[task.name] = { summary: summarizeSamples(samples), samples };
  }
  return out;
}

/** Times one function and returns its summary. */
export async function timeOne(fn: () => unknown, budget: TimingBudget = {}): Promise<SampleSummary> {
  const timed = (await measureLatencies({ task: fn }, budget)).task;
  if (timed === undefined) throw new Error('benchmark task missing');
  return timed.summary;
}

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null = null;

function collectGarbage(): void {
  if (gc === null) {
    // Exposes gc() at run time, so allocation can be measured without asking users for --expose-gc.
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** Bytes (JS heap + ArrayBuffer memory) allocated by one warm call, median of `runs` calls, each after a full GC. */
export function bytesAllocatedBy(fn: () => unknown, runs = 9): number {
  const samples: number[] = [];
  const kept: unknown[] = [];
  // Unmeasured calls first, so one-time costs (lazy compilation, feedback vectors, library caches) are not counted.
  for (let i = 0; i < 8; i++) fn();
  for (let i = 0; i < runs; i++) {
    kept.length = 0;
    collectGarbage();
    const before = process.memoryUsage();
    // Held until after the reading, so what the call returns counts as allocated.
    kept.push(fn());
    const after = process.memoryUsage();
    // arrayBuffers is exact for Node's allocator; a GC inside the call makes the heap part a lower bound.
    samples.push(after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers));
  }
  samples.sort((a, b) => a - b);
  return Math.max(0, samples[Math.floor(samples.length / 2)] ?? 0);
}

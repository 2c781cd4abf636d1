/** Clock stamps of one rank in one step (CLOCK_MONOTONIC ns), taken in the rank's own process. */
export interface RankTimes {
  rank: number;
  receivedNs: number;
  decodedNs: number;
  convertedNs: number;
  readyNs: number;
  pageFaults: number;
  /** Involuntary context switches (preemptions) over the rank's cycle of this step, answer to answer. */
  involuntary: number;
  /** GC time over the same cycle, ms. */
  gcMs: number;
  /** Run-queue wait of the rank's main thread over the same cycle (runnable, without a core), µs; NaN where unknown. */
  runQueueUs: number;
  verified: boolean | null;
}

/** One step: rank 0's stamps and every other rank's. */
export interface StepRecord {
  /** Step index within the configuration, counting warm-up and restarts. */
  step: number;
  /** True for a step that started a new sequence: run, labelled, and never sampled. */
  restart: boolean;
  startNs: number;
  encodedNs: number;
  sentNs: number;
  frames: number;
  wireBytes: number;
  /** Content bytes of the wire payload (arrays and request ids): what a memcpy floor copies. */
  payloadBytes: number;
  /** Minor page faults rank 0 took over this step's whole cycle. */
  pageFaults: number;
  /** Involuntary context switches (preemptions) rank 0 took over the step. */
  involuntary: number;
  /** Rank 0's GC time over the step, ms. */
  gcMs: number;
  /** Run-queue wait of rank 0's main thread over the step, µs; NaN where unknown. */
  runQueueUs: number;
  ranks: RankTimes[];
}

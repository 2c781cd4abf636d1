import { criticalPath } from '../broadcast/parts.js';
import type { SamplingPlan } from '../broadcast/sampling.js';
import { measureEmptyStep, stallOf, type RankSession } from '../broadcast/session.js';
import { summarizeSamples, type SampleSummary } from '../stats/summary.js';
import type { WaitPolicy } from '../transport/shm-ring-wait.js';

/** What a run measures of its transport before any configuration: the harness's own cost. */
export interface Baseline {
  /** Small-message round trip rank 0 → every rank → rank 0; null in process. */
  roundTrip: SampleSummary | null;
  /** The empty message's stall on the same transport and runtime; null in process. */
  emptyStep: SampleSummary | null;
  /** The empty message's transfer p50, ms; null where emptyStep is. */
  emptyTransfer: number | null;
  waitPolicy: WaitPolicy | null;
  /** Rank 0's sleep before each step, ms (the GPU's step stood in for). */
  idleMs: number;
  oversubscribed: boolean;
}

/** The baseline of a run in this one process: no transport, nothing to measure. */
export const IN_PROCESS_BASELINE: Baseline = { roundTrip: null, emptyStep: null, emptyTransfer: null, waitPolicy: null, idleMs: 0, oversubscribed: false };

/** The harness's own cost on a session's transport: `pings` round trips and the empty message's steps under `plan`. */
export async function measureBaseline(session: RankSession, plan: SamplingPlan, pings = 50): Promise<Baseline> {
  // Python ranks measure their own floor: the empty message through the Python scheduler and ranks.
  const empty = (await measureEmptyStep(session, plan)).steps;
  return {
    roundTrip: pings > 0 ? summarizeSamples(await session.pingRoundTrips(pings)) : null,
    emptyStep: summarizeSamples(empty.map(stallOf)),
    emptyTransfer: summarizeSamples(empty.map((s) => criticalPath(s).transfer)).p50,
    waitPolicy: session.waitPolicy,
    idleMs: session.idleMs,
    oversubscribed: session.oversubscribed,
  };
}

import { fixedPlan } from '../../src/broadcast/sampling.js';
import { collectRunContext } from '../../src/harness/context.js';
import { SWEEP_SCHEMA_VERSION, type StoredSweepOptions, type SweepResultsFile } from '../../src/report/sweep-results.js';
import { summarizeSamples } from '../../src/stats/summary.js';
import type { StallRow } from '../../src/run/row.js';
import { runSweep } from '../../src/sweep/sweep.js';

/** A small real sweep (in process unless told otherwise) wrapped as a results file, for report tests. */
export async function smallResults(overrides: Partial<StoredSweepOptions> = {}): Promise<SweepResultsFile> {
  const options: StoredSweepOptions = {
    codecs: ['msgpack-boxed', 'msgpack'],
    strategies: ['full', 'no-slots', 'delta'],
    batch: 4,
    seqLens: [64, 128],
    projectTp: [4, 8],
    stepMs: 20,
    transports: ['none'],
    finishRate: 0,
    sampling: fixedPlan(8, 2),
    python: null,
    ...overrides,
  };
  const outcome = await runSweep({ ...options, messages: undefined });
  return {
    schemaVersion: SWEEP_SCHEMA_VERSION,
    kind: 'sweep',
    context: { ...collectRunContext(), wallSeconds: 1, peakRssMiB: 100, peakRssNote: 'test', python: { unavailable: 'test' } },
    options,
    complete: outcome.complete,
    rows: outcome.rows,
    reference: outcome.reference,
    timelines: outcome.timelines,
  };
}

/** A row whose only content that matters here is its raw stall samples. */
export function stallRow(codec: string, seqLen: number, stall: number[], blocks: number[] = [], launchMedians: number[] = []): StallRow {
  return {
    runtime: 'node',
    codec,
    strategy: 'full',
    transport: 'ipc',
    batch: 64,
    seqLen,
    sequence: 'generated',
    report: { regime: 'reused', measuredTp: 2, samples: { stall }, stall: summarizeSamples(stall) } as unknown as StallRow['report'],
    projections: [],
    blocks,
    stallOverBlocks: summarizeSamples(stall),
    blockSpread: 0,
    launches: launchMedians.map((p50) => ({ p50, ci95: [p50, p50] as [number, number], n: 10 })),
    launchSpread: 0,
  };
}

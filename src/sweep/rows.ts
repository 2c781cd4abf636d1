import { stallOf, type Measurement } from '../broadcast/session.js';
import { codecModulePath, isCodecModuleRef } from '../codecs/module.js';
import { isPythonCodecModule, pythonCodecRef } from '../python/codecs.js';
import { measuredReport, type CopyFloors } from '../run/report.js';
import type { ClockOffset } from '../broadcast/clock-offset.js';
import { overBlocks, projectionsOf, spreadOf, type ProcessCpu, type RankClock, type StallRow } from '../run/row.js';
import { summarizeSamples } from '../stats/summary.js';
import { linkBands } from '../model/link.js';
import type { Config } from './configs.js';
import type { LaunchState } from './configs.js';
import type { SweepOptions } from './types.js';
import { isTcp } from '../transport/types.js';

/** Every process's CPU per step, pooled over the launches' blocks; nothing for a row measured in this process. */
function cpuOf(launches: readonly LaunchState[], report: StallRow['report']): Pick<StallRow, 'cpu'> {
  const byRank = new Map<number, number[]>();
  const coresByRank = new Map<number, number[]>();
  for (const launch of launches) {
    for (const [rank, used] of launch.cpuBlocks) byRank.set(rank, [...(byRank.get(rank) ?? []), ...used]);
    for (const [rank, cores] of launch.coreBlocks) coresByRank.set(rank, [...(coresByRank.get(rank) ?? []), ...cores]);
  }
  if (byRank.size === 0) return {};
  const parts = report.parts;
  const cpu: ProcessCpu[] = [...byRank].sort(([a], [b]) => a - b).map(([rank, used]) => {
    const usPerStep = summarizeSamples(used).p50;
    const workUs = 1000 * (rank === 0 ? parts.encode.p50 : parts.decode.p50 + parts.convert.p50 + parts.derive.p50);
    return { rank, usPerStep, workUs, otherUs: Math.max(0, usPerStep - workUs), cores: summarizeSamples(coresByRank.get(rank) ?? [0]).p50, blocks: used.length };
  });
  return { cpu };
}

/**
 * Each rank's clock over the launches' blocks (tcp launches estimate one before each block), with the host it ran on
 * where a launched world says; nothing elsewhere.
 */
export function clockOf(launches: readonly Pick<LaunchState, 'clockBlocks'>[], hostOf: (rank: number) => string | null = () => null): Pick<StallRow, 'clock'> {
  const byRank = new Map<number, ClockOffset[]>();
  for (const launch of launches) for (const [rank, estimates] of launch.clockBlocks) byRank.set(rank, [...(byRank.get(rank) ?? []), ...estimates]);
  if (byRank.size === 0) return {};
  const clock: RankClock[] = [...byRank].sort(([a], [b]) => a - b).map(([rank, estimates]) => {
    const offsets = estimates.map((e) => e.offsetNs);
    const host = hostOf(rank);
    return {
      rank,
      ...(host === null ? {} : { host }),
      offsetUs: (offsets[offsets.length - 1] as number) / 1000,
      uncertaintyUs: Math.max(...estimates.map((e) => e.uncertaintyNs)) / 1000,
      driftUs: (Math.max(...offsets) - Math.min(...offsets)) / 1000,
      blocks: estimates.length,
    };
  });
  return { clock };
}

/** Pools a configuration's launches into one row: samples concatenated, each launch's median kept for the spread. */
export async function rowOf(
  config: Config,
  launches: readonly LaunchState[],
  options: SweepOptions,
  copyFloors: (payloadBytes: number) => Promise<CopyFloors>,
): Promise<StallRow> {
  const first = launches[0] as LaunchState;
  const measurement: Measurement = {
    codec: first.run.codec,
    strategy: config.strategy,
    regime: first.run.regime,
    shmBackend: first.run.shmBackend,
    steps: launches.flatMap((l) => l.steps),
    warmup: first.warmup ?? { steps: 0, settled: false, ms: 0 },
    restarts: launches.reduce((n, l) => n + l.restarts, 0),
    rejectedFrames: launches.reduce((n, l) => n + l.rejectedFrames, 0),
  };
  const report = await measuredReport(measurement, { form: first.run.form, transport: config.transport, kind: config.kind, source: config.source, baseline: first.baseline, copyFloors });
  const launchMedians = launches.map((l) => summarizeSamples(l.steps.map(stallOf)));
  // The block of every pooled step, numbered across launches, so the band draws ranks from the spread within blocks.
  const stepBlocks = launches.flatMap((l) => l.blockSizes).flatMap((size, block) => Array<number>(size).fill(block));
  return {
    runtime: config.runtime,
    codec: first.run.codec,
    ...(config.kind.spec.kind === 'message' && config.kind.spec.replay !== undefined ? { replay: config.kind.spec.replay } : {}),
    codecModule: isCodecModuleRef(config.codec) ? codecModulePath(config.codec) : config.runtime === 'python' && isPythonCodecModule(config.codec) ? pythonCodecRef(config.codec) : undefined,
    strategy: config.strategy,
    transport: config.transport,
    ...(config.wait === null ? {} : { wait: config.wait }),
    batch: options.messages !== undefined ? config.source.batch : options.batch,
    seqLen: config.seqLen,
    sequence: options.messages?.source ?? 'generated',
    report,
    // A run in one process has no transport to project a fan-out from: no band.
    projections: projectionsOf(report, { ...options, projectTp: config.transport === 'none' ? [] : options.projectTp }, {
      batch: config.source.batch,
      stepBlocks,
      directSteps: (tp) => launches.flatMap((l) => l.directSteps.get(tp) ?? []),
    }),
    blocks: launches.flatMap((l) => l.blockMedians),
    stallOverBlocks: overBlocks(report.stall, launches.flatMap((l) => l.blockMedians)),
    blockSpread: spreadOf(first.blockMedians),
    launches: launchMedians.map((s) => ({ p50: s.p50, ci95: s.ci95, n: s.n })),
    launchSpread: spreadOf(launchMedians.map((s) => s.p50)),
    ...cpuOf(launches, report),
    ...clockOf(launches, (rank) => (isTcp(config.transport) ? (options.tcp?.world?.hostOf(rank) ?? null) : null)),
    ...(isTcp(config.transport) && options.link !== undefined ? { link: linkBands(report.stall.p50, report.wireBytes, [2, ...options.projectTp], options.link) } : {}),
  };
}

import { nextBlock, type SamplingPlan } from '../broadcast/sampling.js';
import { stallOf, type ActiveRun } from '../broadcast/session.js';
import { openCodec } from '../codecs/module.js';
import { startInProcess } from '../model/in-process.js';
import { checkPythonRoundTrip } from '../python/session.js';
import type { Baseline } from '../run/baseline.js';
import { gateCodec } from '../run/gate.js';
import { summarizeSamples } from '../stats/summary.js';
import type { Config, LaunchState } from './configs.js';
import type { Sessions } from './sessions.js';
import type { SweepOptions } from './types.js';
import { isTcp } from '../transport/types.js';

/** Ping exchanges per clock estimate: the shortest round trip of these gives the offset. */
export const CLOCK_EXCHANGES = 8;

/** Starts one launch of a configuration on the launch's sessions (or in this process). */
export async function startLaunch(config: Config, sessions: Sessions | null, options: SweepOptions, baseline: Baseline): Promise<LaunchState> {
  const run = { codec: config.codec, kind: config.kind, strategy: config.strategy, source: config.source, regime: options.regime ?? ('reused' as const), verifyEvery: 10 };
  if (config.launches.length === 0) {
    // Nothing is timed for a codec that loses data: every step must come back bit for bit first.
    if (config.runtime === 'python' && sessions !== null) {
      // Python codecs live in Python: their steps go through the session's processes, each verified on every rank.
      await checkPythonRoundTrip(sessions.two, { codec: config.codec, kind: config.kind, strategy: config.strategy, source: config.source, regime: 'fresh' });
    } else {
      await gateCodec(config.codec, config.kind, config.source, config.strategy);
    }
  }
  const direct = new Map<number, ActiveRun>();
  for (const [tp, session] of sessions?.direct ?? []) direct.set(tp, await session.start(run));
  const own = sessions === null ? await openCodec(config.codec, { schemaCodecs: config.kind.schemaCodecs }) : null;
  return {
    run: own !== null ? startInProcess({ ...run, codec: own, signal: options.signal }) : await (sessions as Sessions).two.start(run),
    direct,
    directSessions: sessions?.direct ?? new Map(),
    steps: [],
    directSteps: new Map(),
    blockMedians: [],
    blockSizes: [],
    restarts: 0,
    rejectedFrames: 0,
    warmup: null,
    measuredMs: 0,
    baseline,
    dispose: () => own?.dispose?.(),
    session: own !== null ? null : (sessions as Sessions).two,
    cpuBlocks: new Map(),
    coreBlocks: new Map(),
    clockBlocks: new Map(),
  };
}

/** One block of one configuration: warm-up first if it has none yet, then its share of the measured steps. */
export async function measureBlock(state: LaunchState, plan: SamplingPlan): Promise<void> {
  const ask = nextBlock(plan, { samples: state.steps.length, measuredMs: state.measuredMs, blocks: state.blockMedians.length });
  if (ask === null) return;
  if (state.warmup === null) {
    state.warmup = await state.run.warmUp(plan.warmup);
    // The measured steps start the sequence again, so what they carry does not depend on how long warm-up took.
    state.run.rewind();
  }
  const rejectedBefore = state.run.rejectedFrames;
  // The ranks are configured for this run first, so the CPU and wall time between the pings are the block's steps'.
  await state.run.activate();
  // Over tcp the ranks' clocks may be another host's: estimated again before every block, so drift is tracked.
  if (state.session !== null && isTcp(state.session.transport)) {
    for (const estimate of await state.session.clockOffsets(CLOCK_EXCHANGES)) state.clockBlocks.set(estimate.rank, [...(state.clockBlocks.get(estimate.rank) ?? []), estimate]);
  }
  // CPU times around the block, by one ping each side: the block's own steps carry no extra work.
  const cpuBefore = await state.session?.cpuTimes();
  const wallBefore = performance.now();
  const block = await state.run.block(ask);
  const cpuAfter = await state.session?.cpuTimes();
  const wallUs = (performance.now() - wallBefore) * 1000;
  if (cpuBefore !== undefined && cpuAfter !== undefined) {
    const ran = block.steps.length + block.rewarmSteps + block.restarts;
    for (const [rank, after] of cpuAfter) {
      const usedUs = after - (cpuBefore.get(rank) ?? Number.NaN);
      if (!Number.isFinite(usedUs)) continue;
      state.cpuBlocks.set(rank, [...(state.cpuBlocks.get(rank) ?? []), usedUs / Math.max(1, ran)]);
      state.coreBlocks.set(rank, [...(state.coreBlocks.get(rank) ?? []), usedUs / Math.max(1, wallUs)]);
    }
  }
  state.rejectedFrames += state.run.rejectedFrames - rejectedBefore;
  state.measuredMs += block.measuredMs;
  state.steps.push(...block.steps);
  state.restarts += block.restarts;
  state.blockMedians.push(summarizeSamples(block.steps.map(stallOf)).p50);
  state.blockSizes.push(block.steps.length);
  for (const [tp, run] of state.direct) {
    if (!state.directSteps.has(tp)) {
      await run.warmUp(plan.warmup);
      run.rewind();
    }
    // A direct session's ranks over tcp may be on other hosts too: their stamps go onto rank 0's clock the same way.
    const directSession = state.directSessions.get(tp);
    if (directSession !== undefined && isTcp(directSession.transport)) await directSession.clockOffsets(CLOCK_EXCHANGES);
    const directBlock = await run.block(ask);
    state.directSteps.set(tp, [...(state.directSteps.get(tp) ?? []), ...directBlock.steps]);
  }
}

import { RankFailedError } from '../broadcast/errors.js';
import type { Runtime } from '../broadcast/session.js';
import { broadcastTrace } from '../broadcast/trace.js';
import { PythonUnavailableError } from '../python/errors.js';
import type { PythonInfo } from '../python/probe.js';
import type { ReferenceRow } from '../reference/reference-row.js';
import { IN_PROCESS_BASELINE, measureBaseline, type Baseline } from '../run/baseline.js';
import { samplingPlan } from '../run/options.js';
import { timeCopyFloors, type CopyFloors } from '../run/report.js';
import type { StallRow } from '../run/row.js';
import { checkShmRingOptionsUse } from '../transport/shm-ring.js';
import { checkWaitOptions } from '../transport/wait-choice.js';
import { isTcp } from '../transport/types.js';
import { OptionsError } from '../errors.js';
import { parseLink } from '../model/link.js';
import { configLabel, configsOf, type Config } from './configs.js';
import { blockWork, warmupFactor } from './work.js';
import { measureBlock, startLaunch } from './launch.js';
import { DEFAULT_ORDER_SEED, roundOrder } from './order.js';
import { pickleReference } from './reference.js';
import { rowOf } from './rows.js';
import { keeperOf, openSessions, type Sessions } from './sessions.js';
import { timelinesOf } from './timelines.js';
import type { SweepOptions, SweepOutcome } from './types.js';
function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'BroadcastAbortedError';
}

/**
 * Runs every codec × strategy × seqLen on live ranks, `repeat` launches over. Each configuration warms up once, then
 * its measured steps come in `plan.blocks` blocks, round-robin over all configurations, so each row's samples span
 * the whole run rather than one second of it: on a shared machine whose speed drifts on a scale of seconds, that is
 * what makes two runs agree.
 */
export async function runSweep(options: SweepOptions): Promise<SweepOutcome> {
  const plan = samplingPlan(options.sampling);
  checkShmRingOptionsUse(options.shmRing, options.transports);
  checkWaitOptions(options);
  if (options.link !== undefined) {
    parseLink(options.link);
    if (!options.transports.some(isTcp)) throw new OptionsError('link', 'projects tcp rows: give --transport tcp or tcp-plain');
  }
  const repeat = options.repeat ?? 1;
  const configs = configsOf(options, plan);
  // Blocks that will run: a Python group that cannot start takes its blocks out, rather than counting them as done.
  let total = configs.length * plan.blocks * repeat;
  // The ETA's prior: a block's work grows with the slots its steps carry, so a 32768 block is not counted like a 512 one.
  // A launch's first block also warms the configuration up, which takes several blocks' worth of steps.
  const first = warmupFactor(plan);
  const workOf = (config: Config, block = 1): number => blockWork(config.seqLen * (options.messages === undefined ? options.batch : 0)) * (block === 0 ? first : 1);
  const launchWork = (group: readonly Config[]): number => group.reduce((sum, c) => sum + workOf(c), 0) * (plan.blocks - 1 + first);
  let totalWork = launchWork(configs) * repeat;
  let doneWork = 0;
  const transports = [...new Set(configs.map((c) => c.transport))];
  // One group per transport and wait policy: each opens its own ranks, whose ends wait that way.
  const groupKey = (c: Pick<Config, 'transport' | 'wait'>): string => `${c.transport} ${c.wait ?? ''}`;
  const grouped = [...new Map(configs.map((c) => [groupKey(c), { transport: c.transport, wait: c.wait }])).values()];
  // A launched world forms, or fails to, before anything else is measured: its tcp groups come first.
  const groups = options.tcp?.world === undefined ? grouped : [...grouped.filter((g) => isTcp(g.transport)), ...grouped.filter((g) => !isTcp(g.transport))];
  const waits = new Set(configs.map((c) => c.wait));
  const orderSeed = options.orderSeed ?? DEFAULT_ORDER_SEED;
  const reference: ReferenceRow[] = [];
  const traces: SweepOutcome['traces'] = [];
  let python: SweepOutcome['python'] = options.python === null ? { unavailable: 'not requested' } : { unavailable: 'not run' };
  let pythonMissing = false;
  let pythonRanks: PythonInfo | null = null;
  let done = 0;
  let complete = false;
  let stoppedBy: string | undefined;
  try {
    for (let launch = 0; launch < repeat; launch++) {
      // One transport at a time: an idle shared-memory rank still wakes to poll, and would disturb another's steps.
      // Node and Python ranks of one transport are measured in the same rounds, so drift lands on both alike.
      // Launches alternate the transports' order, so with --repeat 2 drift through the run lands on each transport alike.
      for (const { transport, wait } of launch % 2 === 0 ? groups : [...groups].reverse()) {
        const sessions = new Map<Runtime, Sessions | null>();
        let group = configs.filter((c) => c.transport === transport && c.wait === wait && (c.runtime === 'node' || !pythonMissing));
        try {
          for (const runtime of [...new Set(group.map((c) => c.runtime))]) {
            try {
              const opened = transport === 'none' ? null : await openSessions(options, transport, runtime, wait);
              sessions.set(runtime, opened);
              pythonRanks = opened?.interpreter ?? pythonRanks;
            } catch (error) {
              // No Python with numpy, pyzmq and msgpack: one message, and the rest of the sweep runs.
              if (!(error instanceof PythonUnavailableError)) throw error;
              pythonMissing = true;
              python = { unavailable: error.message };
              options.onPythonUnavailable?.(error.message);
              total -= group.filter((c) => c.runtime === runtime).length * plan.blocks * (repeat - launch);
              totalWork -= launchWork(group.filter((c) => c.runtime === runtime)) * (repeat - launch);
            }
          }
          group = group.filter((c) => sessions.has(c.runtime));
          const keepAlive = keeperOf(sessions);
          const baselines = new Map<Runtime, Baseline>();
          for (const [runtime, opened] of sessions) baselines.set(runtime, opened === null ? IN_PROCESS_BASELINE : await keepAlive.using(runtime, () => measureBaseline(opened.two, plan)));
          for (const config of group) config.launches.push(await keepAlive.using(config.runtime, () => startLaunch(config, sessions.get(config.runtime) ?? null, options, baselines.get(config.runtime) as Baseline)));
          for (let block = 0; block < plan.blocks; block++) {
            for (const config of roundOrder(group, orderSeed, launch, block)) {
              const state = config.launches[launch];
              if (state === undefined) continue;
              if (options.signal?.aborted === true) return await finish();
              options.onProgress?.({ done, total, work: { done: doneWork, total: totalWork }, label: `${config.runtime === 'python' ? 'python ' : ''}${config.codec} ${config.strategy} ${configLabel(config, options)}${transports.length > 1 ? ` over ${transport}` : ''}${waits.size > 1 && wait !== null ? `, wait ${wait}` : ''}, block ${block + 1}/${plan.blocks}${repeat > 1 ? `, launch ${launch + 1}/${repeat}` : ''}` });
              await keepAlive.using(config.runtime, () => measureBlock(state, plan));
              done++;
              doneWork += workOf(config, block);
            }
          }
        } finally {
          for (const config of group) {
            const state = config.launches[launch];
            state?.run.suspend();
            state?.direct.forEach((run) => run.suspend());
            state?.dispose();
          }
          for (const opened of sessions.values()) await opened?.close();
        }
      }
    }
    if (options.python !== null && options.messages === undefined && !pythonMissing) {
      const result = await pickleReference(options.python, options);
      reference.push(...result.rows);
      python = result.python;
    }
    complete = true;
    return await finish();
  } catch (error) {
    if (isAbort(error)) return await finish();
    // A rank that dies (a crash, a user codec that throws, an answer past its timeout) costs the run, not what it measured.
    if (error instanceof RankFailedError) {
      stoppedBy = error.message;
      return await finish();
    }
    throw error;
  }

  async function finish(): Promise<SweepOutcome> {
    const rows: StallRow[] = [];
    // Rows of one payload size (every codec of a strategy and seq_len) share its copy floors: timed once each.
    const copies = new Map<number, Promise<CopyFloors>>();
    const copyFloors = (bytes: number): Promise<CopyFloors> => {
      const known = copies.get(bytes) ?? timeCopyFloors(bytes);
      copies.set(bytes, known);
      return known;
    };
    for (const config of configs) {
      const measured = config.launches.filter((l) => l.steps.length > 0);
      if (measured.length === 0) continue;
      const row = await rowOf(config, measured, options, copyFloors);
      rows.push(row);
      if (options.trace === true) {
        const name = `${config.runtime}-${row.codec}-${config.strategy}-${configLabel(config, options)}-${config.transport}${config.wait === null ? '' : `-${config.wait.replace(':', '')}`}.trace.json`;
        traces.push({ name, trace: broadcastTrace(measured.flatMap((l) => l.steps), { label: `${config.codec} ${config.strategy}`, tp: 2 }) });
      }
    }
    return { rows, reference, timelines: complete ? timelinesOf(rows.filter((r) => r.transport !== 'none')) : [], traces, complete, stoppedBy, python, pythonRanks };
  }
}

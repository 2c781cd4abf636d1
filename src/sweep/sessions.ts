import { availableParallelism } from 'node:os';
import { openRankSession, type RankSession, type Runtime } from '../broadcast/session.js';
import { DEFAULT_PYTHONS, findPython, type PythonInfo } from '../python/probe.js';
import { openPythonSession } from '../python/session.js';
import { isTcp, type TransportName } from '../transport/types.js';
import type { SweepOptions } from './types.js';

/** A session left idle this long between blocks gets a ping, well inside the ranks' 60 s idle timeout. */
export const KEEP_ALIVE_MS = 15_000;

/**
 * Keeps a group's idle sessions alive: before work on one runtime's sessions, every other runtime's that has been idle
 * for KEEP_ALIVE_MS gets a ping, between blocks and never during one, so a long round of Node blocks does not make the
 * Python ranks give up on their scheduler (or the other way round).
 */
export function keeperOf(sessions: ReadonlyMap<Runtime, Sessions | null>): { using<T>(runtime: Runtime, work: () => Promise<T>): Promise<T> } {
  const lastUsed = new Map<Runtime, number>([...sessions.keys()].map((runtime) => [runtime, Date.now()]));
  return {
    async using(runtime, work) {
      for (const [other, opened] of sessions) {
        if (other === runtime || opened === null || Date.now() - (lastUsed.get(other) ?? 0) < KEEP_ALIVE_MS) continue;
        for (const session of [opened.two, ...opened.direct.values()]) await session.pingRoundTrips(1);
        lastUsed.set(other, Date.now());
      }
      try {
        return await work();
      } finally {
        lastUsed.set(runtime, Date.now());
      }
    },
  };
}

/** The live sessions of one launch and runtime: tp=2 ranks, and any TP this machine can run directly. */
export interface Sessions {
  two: RankSession;
  /** Sessions at the projected TPs this machine can hold honestly (≥ tp + 1 cores). */
  direct: Map<number, RankSession>;
  /** The Python interpreter the sessions run, for Python rows. */
  interpreter: PythonInfo | null;
  close(): Promise<void>;
}

/** Opens a runtime's sessions over `transport`, its ends waiting as `wait` says (null: the transport's own way); any failure closes what was opened. */
export async function openSessions(options: SweepOptions, transport: TransportName, runtime: Runtime, wait: string | null = null): Promise<Sessions> {
  const opened: RankSession[] = [];
  const close = async (): Promise<void> => {
    for (const s of opened) await s.close();
  };
  // The default ('python3') may fall back to /usr/bin/python3; an interpreter named on purpose is used as given or not at all.
  const candidates = options.python === null || options.python === 'auto' ? undefined : options.python === DEFAULT_PYTHONS[0] ? DEFAULT_PYTHONS : [options.python];
  const interpreter = runtime === 'python' ? await findPython(candidates) : null;
  const open = (tp: number): Promise<RankSession> =>
    interpreter !== null ? openPythonSession({ tp, python: interpreter.executable, pythonPath: options.pythonPath, signal: options.signal }) : openRankSession({ tp, transport, shmRing: options.shmRing, tcp: options.tcp, ...(wait === null ? {} : { wait }), idleMs: options.idleMs ?? 0, signal: options.signal });
  try {
    const two = await open(2);
    opened.push(two);
    const direct = new Map<number, RankSession>();
    for (const tp of options.projectTp) {
      // Honest only with a core per process and one to spare; a Python session has its scheduler process too.
      // A launched world's tcp ranks are on their own hosts: what counts there is that the world has them.
      const world = isTcp(transport) && runtime === 'node' ? options.tcp?.world : undefined;
      const room = world !== undefined ? tp <= world.size : availableParallelism() >= tp + 1 + (runtime === 'python' ? 1 : 0);
      if (tp > 2 && room && !direct.has(tp)) {
        const session = await open(tp);
        opened.push(session);
        direct.set(tp, session);
      }
    }
    return { two, direct, interpreter, close };
  } catch (error) {
    await close();
    throw error;
  }
}

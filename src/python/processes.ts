import { spawn, type ChildProcess } from 'node:child_process';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RankFailedError } from '../broadcast/errors.js';
import { superviseRanks, type RankFailure, type Ranks } from '../broadcast/ranks.js';
import type { IpcFeedAddress } from '../transport/ipc.js';
import { PythonUnavailableError } from './errors.js';

/** The entry point of every Python process (probe, scheduler, rank); shipped in the package's python/ folder. */
export const PYTHON_ENTRY = fileURLToPath(new URL('../../python/tp_process.py', import.meta.url));

/** Exit code of a Python process whose interpreter lacks what stallbench needs (too old, a module missing). */
export const PYTHON_UNAVAILABLE_EXIT = 5;

/** What a Python process gets on its command line. */
export interface PythonStart extends IpcFeedAddress {
  rank: number;
  token: string;
  idleTimeoutMs: number;
}

/** The last line a Python process wrote to stderr, without the helper's "stallbench: " prefix. */
export function lastLine(stderr: string): string {
  return (stderr.trim().split('\n').pop() ?? '').replace(/^stallbench: /, '').trim();
}

/** Maps a Python process's end to an error: a missing interpreter or module is PythonUnavailableError, anything else RankFailedError. */
export function pythonFailure(python: string): RankFailure {
  return ({ rank, step, reason, code, signal, stderr, spawnError }) => {
    if (spawnError !== null) return new PythonUnavailableError(python, reason, rank);
    if (code === PYTHON_UNAVAILABLE_EXIT) return new PythonUnavailableError(python, lastLine(stderr) || reason, rank);
    return new RankFailedError(rank, step, reason, code, signal);
  };
}

/**
 * Starts the Python scheduler (rank 0) and ranks. Each holds its stdin open to this process and exits at EOF, so a
 * Python process never outlives its parent, even one killed by SIGKILL; stop() closes the pipes first.
 */
export function spawnPythonRanks(python: string, starts: readonly PythonStart[], pythonPath: readonly string[] = []): Ranks & { spawned: Promise<void> } {
  // The folders asked for come first, before any PYTHONPATH the user already has.
  const importPath = [...pythonPath, ...(process.env.PYTHONPATH ?? '').split(delimiter).filter((dir) => dir !== '')].join(delimiter);
  const env = importPath === '' ? process.env : { ...process.env, PYTHONPATH: importPath };
  const started = starts.map((start) => {
    const child: ChildProcess = spawn(python, [PYTHON_ENTRY, start.rank === 0 ? 'scheduler' : 'rank', JSON.stringify(start)], {
      stdio: ['pipe', 'ignore', 'pipe'],
      env,
    });
    // A process that is gone closes its end of the pipe; its exit says why, so EPIPE here is not the story.
    child.stdin?.on('error', () => undefined);
    return { rank: start.rank, child };
  });
  const ranks = superviseRanks(started, pythonFailure(python));
  return {
    ...ranks,
    // Every process is running (an interpreter that is not there never gets here: `failed` says so instead).
    spawned: Promise.all(started.map(({ child }) => new Promise<void>((resolve) => child.once('spawn', () => resolve())))).then(() => undefined),
    stop: (graceMs) => {
      for (const { child } of started) child.stdin?.end();
      return ranks.stop(graceMs);
    },
  };
}

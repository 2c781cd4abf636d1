import { fork, type ChildProcess } from 'node:child_process';
import { RankFailedError } from './errors.js';
import type { RankStart } from './rank-process.js';

/** The rank processes of one run, and a promise that rejects the moment one exits unexpectedly. */
export interface Ranks {
  pids: number[];
  /** Rejects with RankFailedError (or the runtime's own error) when a rank exits before it was asked to; never resolves. */
  failed: Promise<never>;
  /** The step rank 0 is on, for error messages. */
  setStep(step: number): void;
  /** Waits up to graceMs for every rank to exit by itself, then SIGKILLs the rest. */
  stop(graceMs: number): Promise<void>;
  /** SIGKILLs every rank still running, synchronously (signal handlers, failures). */
  killAll(): void;
}

/** Where the rank process's entry point is, and how Node must be started to load it. */
function rankEntry(): { path: string; execArgv: string[] } {
  // Under tsx or vitest this module is TypeScript, and so is its sibling; ranks then load it through tsx.
  const fromSource = import.meta.url.endsWith('.ts');
  const path = new URL(fromSource ? './rank-process.ts' : './rank-process.js', import.meta.url).pathname;
  return { path, execArgv: fromSource ? ['--import', 'tsx'] : [] };
}

/** How a rank's unexpected end becomes an error: RankFailedError unless a runtime knows better. */
export type RankFailure = (exit: {
  rank: number;
  step: number;
  reason: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Why the process could not start at all (no such program), or null when it ran. */
  spawnError: NodeJS.ErrnoException | null;
}) => Error;

const rankFailed: RankFailure = ({ rank, step, reason, code, signal }) => new RankFailedError(rank, step, reason, code, signal);

/**
 * How a session gets its rank processes: forked here (spawnRanks), or started by the agents of a launched world on
 * their own hosts. `env` is what forked ranks run with; an agent's ranks run with the agent's own.
 */
export type RankStarter = (configs: readonly RankStart[], env: NodeJS.ProcessEnv) => Ranks | Promise<Ranks>;

/** Ranks on other hosts, started on request by the agents of a world a launcher made (`stallbench rank`). */
export interface RemoteWorld {
  /** Processes in the world, rank 0 (this one) included: a session's tp may not exceed it. */
  readonly size: number;
  /** Starts a session's ranks 1..tp-1, each on the agent of that rank. */
  readonly starter: RankStarter;
  /** The host a rank's agent said it runs on, or null for a rank not in the world. */
  hostOf(rank: number): string | null;
}

/** Forks one rank process with the IPC channel open, so it exits when this process goes; `env` is its. */
export function forkRank(config: RankStart, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const { path, execArgv } = rankEntry();
  return fork(path, [JSON.stringify(config)], { execArgv, env, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
}

/** Forks ranks 1..configs.length (forkRank each); `env` is theirs. */
export function spawnRanks(configs: readonly RankStart[], env: NodeJS.ProcessEnv = process.env): Ranks {
  return superviseRanks(configs.map((config) => ({ rank: config.rank, child: forkRank(config, env) })));
}

/** The last 2000 characters a child wrote to stderr, kept as it writes: what its failure reports. */
export function stderrTail(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-2000);
  });
  return () => tail;
}

/** How a process ended, with the last of what it said: the reason a RankFailedError gives. */
export function exitReason(code: number | null, signal: string | null, stderr: string): string {
  return `exited${code !== null ? ` with code ${code}` : ''}${signal !== null ? ` by ${signal}` : ''}${stderr.trim() ? `: ${stderr.trim()}` : ''}`;
}

/** Calls `report` once the exited child's stderr has closed (its last words can come after 'exit'), or 200 ms on. */
export function afterStderr(child: ChildProcess, report: () => void): void {
  if (child.stderr === null || child.stderr.closed) {
    report();
    return;
  }
  const late = setTimeout(report, 200);
  child.stderr.once('close', () => {
    clearTimeout(late);
    report();
  });
}

/** Watches started rank processes: the first that exits (or cannot start) before it was asked to rejects `failed`. */
export function superviseRanks(started: readonly { rank: number; child: ChildProcess }[], failure: RankFailure = rankFailed): Ranks {
  let step = -1;
  let stopping = false;
  let rejectFailed: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    rejectFailed = reject;
  });
  // Nobody may be awaiting `failed` when a rank dies between steps; the run still sees it on its next race.
  failed.catch(() => undefined);
  const children: ChildProcess[] = started.map(({ rank, child }) => {
    const stderr = stderrTail(child);
    // A process that never started (no such program) has no exit to report.
    child.on('error', (error: NodeJS.ErrnoException) => {
      rejectFailed(failure({ rank, step, reason: error.code === 'ENOENT' ? 'not found' : error.message, code: null, signal: null, stderr: stderr(), spawnError: error }));
    });
    child.on('exit', (code, signal) => {
      if (stopping && code === 0) return;
      afterStderr(child, () => rejectFailed(failure({ rank, step, reason: exitReason(code, signal, stderr()), code, signal, stderr: stderr(), spawnError: null })));
    });
    return child;
  });
  const running = (): ChildProcess[] => children.filter((c) => c.pid !== undefined && c.exitCode === null && c.signalCode === null);
  const killAll = (): void => {
    stopping = true;
    for (const child of running()) child.kill('SIGKILL');
  };
  return {
    pids: children.map((c) => c.pid ?? -1),
    failed,
    setStep: (s) => {
      step = s;
    },
    stop: async (graceMs) => {
      stopping = true;
      const exits = running().map((c) => new Promise<void>((resolve) => c.once('exit', () => resolve())));
      const timer = setTimeout(killAll, graceMs);
      await Promise.all(exits);
      clearTimeout(timer);
    },
    killAll,
  };
}

import { fork, type ChildProcess } from 'node:child_process';
import { RankFailedError } from './errors.js';
import type { RankStart } from './rank-process.js';

/** The rank processes of one run, and a promise that rejects the moment one exits unexpectedly. */
export interface Ranks {
  pids: number[];
  /** Rejects with RankFailedError when a rank exits before it was asked to; never resolves. */
  failed: Promise<never>;
  /** The step rank 0 is on, for error messages. */
  setStep(step: number): void;
  /** Waits up to graceMs for every rank to exit by itself, then SIGKILLs the rest. */
  stop(graceMs: number): Promise<void>;
  /** SIGKILLs every rank still running, synchronously (signal handlers, failures). */
  killAll(): void;
}

function rankEntry(): { path: string; execArgv: string[] } {
  // Under tsx or vitest this module is TypeScript, and so is its sibling; ranks then load it through tsx.
  const fromSource = import.meta.url.endsWith('.ts');
  const path = new URL(fromSource ? './rank-process.ts' : './rank-process.js', import.meta.url).pathname;
  return { path, execArgv: fromSource ? ['--import', 'tsx'] : [] };
}

/** Forks ranks 1..configs.length with the IPC channel open, so a rank exits when this process goes. */
export function spawnRanks(configs: readonly RankStart[]): Ranks {
  const { path, execArgv } = rankEntry();
  let step = -1;
  let stopping = false;
  let rejectFailed: (error: RankFailedError) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    rejectFailed = reject;
  });
  // Nobody may be awaiting `failed` when a rank dies between steps; the run still sees it on its next race.
  failed.catch(() => undefined);
  const children: ChildProcess[] = configs.map((config) => {
    const child = fork(path, [JSON.stringify(config)], { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    child.on('exit', (code, signal) => {
      if (stopping && code === 0) return;
      const reason = `exited${code !== null ? ` with code ${code}` : ''}${signal !== null ? ` by ${signal}` : ''}${stderr.trim() ? `: ${stderr.trim()}` : ''}`;
      rejectFailed(new RankFailedError(config.rank, step, reason, code, signal));
    });
    return child;
  });
  const running = (): ChildProcess[] => children.filter((c) => c.exitCode === null && c.signalCode === null);
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

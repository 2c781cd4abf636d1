import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { eventually } from '../broadcast/leftovers.js';

/** The built command, as a user runs it (npm test builds before vitest). */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** A fresh run secret in hex, as STALLBENCH_SECRET takes it. */
export const newSecret = (): string => randomBytes(32).toString('hex');

/** A started process whose output is collected, with a bounded wait for its end. */
export interface Started {
  child: ChildProcess;
  output(): string;
  /** Its exit code (or 128 + signal), or null if it has not ended within ms. */
  exited(ms: number): Promise<number | null>;
}

/** Starts `command args` with `env` over this process's, collecting stdout and stderr together. */
export function start(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Started {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const ended = new Promise<number>((resolve) => child.once('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15))));
  return {
    child,
    output: () => text,
    exited: (ms) => Promise.race([ended, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref())]),
  };
}

/** Starts `stallbench rank` with these flags (and the run's secret in the environment). */
export function startRank(args: readonly string[], env: NodeJS.ProcessEnv): Started {
  return start(process.execPath, [CLI, 'rank', ...args], env);
}

/** A tcp port free on loopback just now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Pids of live processes whose command line holds `marker` (and that are not this test). */
export function processesWith(marker: string): number[] {
  let out: string;
  try {
    out = execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' });
  } catch {
    // pgrep exits 1 when nothing matches.
    return [];
  }
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/** Waits, a bounded while, until no process's command line holds `marker`; returns those still there. */
export async function goneWith(marker: string, ms = 15_000): Promise<number[]> {
  await eventually(() => processesWith(marker).length === 0, ms);
  return processesWith(marker);
}

/** Waits, a bounded while, until `text()` matches; returns whether it did. */
export function printed(text: () => string, pattern: RegExp, ms = 30_000): Promise<boolean> {
  return eventually(() => pattern.test(text()), ms);
}

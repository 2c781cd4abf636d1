import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { openShmRingScheduler, type ShmRingOptions, type ShmRingScheduler } from '../../src/transport/shm-ring.js';
import type { SchedulerTransport, ShmRingAddress } from '../../src/transport/types.js';
import type { PeerSummary } from './ring-peer.js';

const running: ChildProcess[] = [];
const schedulers: ShmRingScheduler[] = [];

/** Opens a scheduler end that cleanUp() closes. */
export function openScheduler(ranks: number, timeoutMs: number, options: ShmRingOptions = {}): ShmRingScheduler {
  const s = openShmRingScheduler(ranks, timeoutMs, options);
  schedulers.push(s);
  return s;
}

/** Kills every peer and closes every scheduler end a test opened: for afterEach. */
export async function cleanUp(): Promise<void> {
  await stopPeers();
  schedulers.splice(0).forEach((s) => s.close());
}

/** Starts a ring peer process (see ring-peer.ts) and resolves once it has attached. */
export async function startPeer(mode: 'echo' | 'hold' | 'idle', address: ShmRingAddress, rank = 1): Promise<ChildProcess> {
  const path = new URL('./ring-peer.ts', import.meta.url).pathname;
  const child = fork(path, [mode, JSON.stringify(address), String(rank)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  running.push(child);
  const [message] = (await once(child, 'message')) as [unknown];
  if (message !== 'ready') throw new Error(`peer said ${String(message)}`);
  return child;
}

/** SIGKILLs every peer still running and waits for each to be gone. */
export async function stopPeers(): Promise<void> {
  await Promise.all(
    running.splice(0).map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGKILL');
      await gone;
    }),
  );
}

/** The next answer a peer sent, parsed. */
export async function answerOf(transport: SchedulerTransport): Promise<PeerSummary> {
  const frame = await transport.receive(30_000);
  if (frame === null) throw new Error('no answer from the peer');
  return JSON.parse(Buffer.from(frame).toString('utf8')) as PeerSummary;
}

/** Deterministic bytes: a xorshift stream from `seed`. */
export function bytesOf(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Names of the shared-memory regions this process has in /dev/shm. */
export function ownRegions(): string[] {
  return readdirSync('/dev/shm').filter((f) => f.startsWith(`stallbench-${process.pid}-`));
}

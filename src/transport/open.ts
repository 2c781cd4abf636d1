import { OptionsError } from '../errors.js';
import { connectIpcRank, openIpcScheduler } from './ipc.js';
import type { RunDir } from './run-dir.js';
import { connectShmRingRank, openShmRingScheduler, type ShmRingOptions } from './shm-ring.js';
import { TRANSPORT_NAMES, type RankTransport, type SchedulerTransport, type TransportAddress, type TransportName } from './types.js';

/** What the scheduler's end needs beyond its name. */
export interface TransportOptions {
  /** Rank processes that will connect (tp − 1). */
  ranks: number;
  /** Geometry and wait policy of the shm-ring transport; ignored by ipc. */
  shmRing?: ShmRingOptions;
}

/** Opens the scheduler's end of a transport; ipc puts its sockets in the run's folder. */
export async function openSchedulerTransport(name: TransportName, dir: RunDir, timeoutMs: number, options: TransportOptions): Promise<SchedulerTransport> {
  switch (name) {
    case 'ipc':
      return openIpcScheduler(dir, timeoutMs);
    case 'shm-ring':
      return openShmRingScheduler(options.ranks, timeoutMs, options.shmRing);
    default:
      throw new OptionsError('transport', `unknown transport '${String(name)}'; known: ${TRANSPORT_NAMES.join(', ')}`);
  }
}

/** Connects rank `rank` (1..tp-1) to the scheduler at `address`. */
export function connectRankTransport(address: TransportAddress, idleTimeoutMs: number, rank: number): RankTransport {
  switch (address.transport) {
    case 'ipc':
      return connectIpcRank(address, idleTimeoutMs);
    case 'shm-ring':
      return connectShmRingRank(address, idleTimeoutMs, rank);
  }
}

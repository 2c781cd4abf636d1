import { connectIpcRank, openIpcScheduler } from './ipc.js';
import type { RunDir } from './run-dir.js';
import type { RankTransport, SchedulerTransport, TransportAddress, TransportName } from './types.js';

/** Opens the scheduler's end of a transport in the run's folder. */
export function openSchedulerTransport(name: TransportName, dir: RunDir, timeoutMs: number): Promise<SchedulerTransport> {
  switch (name) {
    case 'ipc':
      return openIpcScheduler(dir, timeoutMs);
  }
}

/** Connects a rank to the scheduler at `address`. */
export function connectRankTransport(address: TransportAddress, idleTimeoutMs: number): RankTransport {
  switch (address.transport) {
    case 'ipc':
      return connectIpcRank(address, idleTimeoutMs);
  }
}

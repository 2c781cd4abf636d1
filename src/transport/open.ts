import { OptionsError } from '../errors.js';
import { connectIpcRank, openIpcScheduler } from './ipc.js';
import type { RunDir } from './run-dir.js';
import { connectShmRingRank, openShmRingScheduler, type ShmRingOptions } from './shm-ring.js';
import { resolveWaitPolicy, type WaitPolicy } from './shm-ring-wait.js';
import { connectTcpRank, openTcpScheduler, type TcpOptions } from './tcp.js';
import { TRANSPORT_NAMES, type RankTransport, type SchedulerTransport, type TransportAddress, type TransportName } from './types.js';

/** What the scheduler's end needs beyond its name. */
export interface TransportOptions {
  /** Rank processes that will connect (tp − 1). */
  ranks: number;
  /** Geometry and wait policy of the shm-ring transport; ignored by ipc. */
  shmRing?: ShmRingOptions;
  /** How every end waits (waitChoiceOf): over shm-ring it replaces shmRing.wait's; over ipc a policy that never spins is ZeroMQ's own blocking wait. */
  wait?: Partial<WaitPolicy>;
  /** Where a tcp scheduler listens. */
  tcp?: TcpOptions;
  /** The run's secret, from which a tcp run's CurveZMQ keys are derived; required for tcp. */
  secret?: Uint8Array;
}

// ZeroMQ's ends block in the kernel; a policy given them only adds its spin (the sleep fields go unused).
const IPC_WAIT: WaitPolicy = { spinUs: 0, sleepMinUs: 50, sleepMaxUs: 1000, activeMs: 100, yieldEveryMs: 2 };

/** The ipc policy of `wait`: none where it never spins, so the default and an explicit `sleep` are one configuration. */
function ipcWaitOf(wait: Partial<WaitPolicy> | undefined): WaitPolicy | undefined {
  if (wait === undefined) return undefined;
  const policy = resolveWaitPolicy(wait, IPC_WAIT);
  return policy.spinUs === 0 && policy.adaptive === undefined ? undefined : policy;
}

/** Opens the scheduler's end of a transport; ipc puts its sockets in the run's folder. */
export async function openSchedulerTransport(name: TransportName, dir: RunDir, timeoutMs: number, options: TransportOptions): Promise<SchedulerTransport> {
  switch (name) {
    case 'ipc':
      return openIpcScheduler(dir, timeoutMs, ipcWaitOf(options.wait));
    case 'shm-ring':
      return openShmRingScheduler(options.ranks, timeoutMs, options.wait === undefined ? options.shmRing : { ...options.shmRing, wait: { ...options.shmRing?.wait, ...options.wait } });
    case 'tcp':
    case 'tcp-plain':
      if (options.secret === undefined) throw new OptionsError('secret', 'a tcp transport needs the run\'s secret');
      return openTcpScheduler(options.secret, timeoutMs, options.tcp, ipcWaitOf(options.wait), name === 'tcp' ? 'curve' : 'plain');
    default:
      throw new OptionsError('transport', `unknown transport '${String(name)}'; known: ${TRANSPORT_NAMES.join(', ')}`);
  }
}

/** Connects rank `rank` (1..tp-1) to the scheduler at `address`; a tcp rank needs the run's secret. */
export function connectRankTransport(address: TransportAddress, idleTimeoutMs: number, rank: number, secret: Uint8Array | null = null): RankTransport {
  switch (address.transport) {
    case 'ipc':
      return connectIpcRank(address, idleTimeoutMs);
    case 'shm-ring':
      return connectShmRingRank(address, idleTimeoutMs, rank);
    case 'tcp':
    case 'tcp-plain':
      if (secret === null) throw new Error('a tcp rank needs the run\'s secret in STALLBENCH_SECRET or STALLBENCH_SECRET_FILE');
      return connectTcpRank(address, secret, idleTimeoutMs);
  }
}

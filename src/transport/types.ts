import type { FrameLease } from '../codecs/frame-pool.js';
import type { WaitPolicy } from './shm-ring-wait.js';

/** How frames travel between the scheduler and its ranks. */
export type TransportName = 'ipc' | 'shm-ring' | 'tcp' | 'tcp-plain';

/** Every transport, in the order reports list them. */
export const TRANSPORT_NAMES: readonly TransportName[] = ['ipc', 'shm-ring', 'tcp', 'tcp-plain'];

/**
 * True for the ZeroMQ tcp:// transports, which listen where another host can reach them: `tcp` (CurveZMQ: every
 * frame encrypted) and `tcp-plain` (frames in the clear, as engines send them; peers still prove the run's secret).
 */
export function isTcp(name: string): name is 'tcp' | 'tcp-plain' {
  return name === 'tcp' || name === 'tcp-plain';
}

/** Where ZeroMQ ranks reach the scheduler. */
export interface IpcAddress {
  transport: 'ipc';
  /** Where the scheduler publishes commands and steps. */
  steps: string;
  /** Where ranks send their answers. */
  acks: string;
  /** How every end waits before it blocks; absent: each blocks in the kernel at once (ZeroMQ's own way, the default). */
  wait?: WaitPolicy;
}

/** Where shm-ring ranks find the scheduler's shared memory, and how every end waits. */
export interface ShmRingAddress {
  transport: 'shm-ring';
  /** POSIX shm name of the steps ring (one writer, every rank a reader). */
  steps: string;
  /** POSIX shm name of the answers region: one lane per rank, written by that rank, read by the scheduler. */
  acks: string;
  /** The wait policy every end uses, recorded so results can say how ranks waited. */
  wait: WaitPolicy;
}

/** Where ZeroMQ tcp ranks reach the scheduler; the CurveZMQ keys come from the run's secret, which no address carries. */
export interface TcpAddress {
  transport: 'tcp' | 'tcp-plain';
  /** tcp-plain: the scheduler's random nonce, from which with the run's secret each rank derives its ZAP password. */
  nonce?: string;
  /** tcp://host:port the scheduler publishes commands and steps on. */
  steps: string;
  /** tcp://host:port ranks send their answers to. */
  acks: string;
  /** How every end waits before it blocks; absent: each blocks in the kernel at once. */
  wait?: WaitPolicy;
}

/** What a rank needs to reach the scheduler: plain data, handed to the rank process on its command line. */
export type TransportAddress = IpcAddress | ShmRingAddress | TcpAddress;

/** The scheduler's end: one send reaches every rank; answers come back one frame at a time. */
export interface SchedulerTransport {
  readonly name: TransportName;
  readonly address: TransportAddress;
  /**
   * Memory inside the transport's own send buffer for the next message, where it has one (a shared-memory slot): a
   * codec that writes its frames there is sent without a copy. Null or absent: the session's pool or fresh memory.
   */
  lease?(): FrameLease | null;
  /** Queues one multipart message for every rank; resolves when the transport has taken it. */
  send(frames: readonly Uint8Array[]): Promise<void>;
  /** The next answer from any rank, or null when none came within timeoutMs. */
  receive(timeoutMs: number): Promise<Uint8Array | null>;
  /** Closes the sockets; safe to call twice. */
  close(): void;
}

/** A rank's end: receives every message the scheduler sends and answers on its own channel. */
export interface RankTransport {
  /** The next multipart message, or null when the scheduler has been silent for the idle timeout. */
  receive(): Promise<Uint8Array[] | null>;
  /**
   * The next message if it comes within one stretch of the transport's spin (at most yieldEveryMs of spinning),
   * taken without yielding (so no microtask hop stands between its arrival and the caller); null when none came.
   * Absent where the transport cannot spin.
   */
  receiveNow?(): Uint8Array[] | null;
  /** True while the wait for the next message is still within its spin time: receiveNow may yet find it. */
  spinning?(): boolean;
  send(frame: Uint8Array): Promise<void>;
  close(): void;
}

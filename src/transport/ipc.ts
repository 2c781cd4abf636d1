import { Publisher, Pull, Push, Subscriber } from 'zeromq';
import type { RunDir } from './run-dir.js';
import { spinGraceOf, turn, type SpinGrace, type WaitPolicy } from './shm-ring-wait.js';
import type { IpcAddress, RankTransport, SchedulerTransport } from './types.js';

/** True for the error zeromq.js throws when a receive or send ran past its socket timeout. */
function isTimeout(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EAGAIN';
}

/**
 * Receives one message within `timeoutMs`, or null. libuv starts a timer from the loop's cached clock, which is stale
 * after a long synchronous stretch (an encode of a big message), so a receive timeout can fire early: only a timeout
 * the wall clock agrees with counts.
 */
export async function receiveWithin(socket: Pull | Subscriber, timeoutMs: number): Promise<Buffer[] | null> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    socket.receiveTimeout = Math.max(1, Math.ceil(deadline - performance.now()));
    try {
      return await socket.receive();
    } catch (error) {
      if (!isTimeout(error)) throw error;
      if (performance.now() >= deadline) return null;
    }
  }
}

/**
 * As receiveWithin, spinning first for `grace`'s µs: while a turn of the event loop is queued libuv polls its sockets
 * without blocking, so the process stays on its core and takes the message the moment it is readable; then it blocks.
 */
export async function receiveSpinning(socket: Pull | Subscriber, timeoutMs: number, grace: SpinGrace | null): Promise<Buffer[] | null> {
  const pending = receiveWithin(socket, timeoutMs);
  const spinUs = grace?.us() ?? 0;
  if (spinUs > 0) {
    let settled = false;
    const mark = (): void => {
      settled = true;
    };
    pending.then(mark, mark);
    const end = performance.now() + spinUs / 1000;
    while (!settled && performance.now() < end) await turn();
  }
  const got = await pending;
  if (got !== null) grace?.heard();
  return got;
}

/** The grace of an ipc end: none (block in the kernel at once) without a policy. */
export const graceOf = (wait: WaitPolicy | undefined): SpinGrace | null => (wait === undefined ? null : spinGraceOf(wait));

/** Binds `out` (rank 0's sending socket) and a PULL for the answers in the run's private folder; both close on failure. */
async function bindWithAnswers(out: Publisher | Push, outAddress: string, acksAddress: string, wait?: WaitPolicy): Promise<Pick<SchedulerTransport, 'send' | 'receive' | 'close'>> {
  const acks = new Pull({ linger: 0 });
  try {
    await out.bind(outAddress);
    await acks.bind(acksAddress);
  } catch (error) {
    out.close();
    acks.close();
    throw error;
  }
  const grace = graceOf(wait);
  return {
    send: (frames) => out.send(frames as Uint8Array[]),
    receive: async (timeoutMs) => (await receiveSpinning(acks, timeoutMs, grace))?.[0] ?? null,
    close: () => {
      out.close();
      acks.close();
    },
  };
}

/**
 * The scheduler's ZeroMQ end: PUB for steps, PULL for answers, both on ipc:// files in the run's private folder. With
 * `wait`, every end spins as it says before it blocks; without, each blocks in the kernel at once.
 */
export async function openIpcScheduler(dir: RunDir, sendTimeoutMs: number, wait?: WaitPolicy): Promise<SchedulerTransport> {
  const address: IpcAddress = { transport: 'ipc', steps: `ipc://${dir.path}/steps`, acks: `ipc://${dir.path}/acks`, ...(wait === undefined ? {} : { wait }) };
  // linger 0: a send with no peer left must never hold the process open at exit.
  const end = await bindWithAnswers(new Publisher({ linger: 0, sendTimeout: sendTimeoutMs }), address.steps, address.acks, wait);
  return { name: 'ipc', address, ...end };
}

/** Where a scheduler in another process takes its commands (`feed`), publishes its steps (`steps`) and everyone answers (`acks`). */
export interface IpcFeedAddress {
  feed: string;
  steps: string;
  acks: string;
}

/** This process's end when rank 0 runs elsewhere: PUSH commands and payloads to it, PULL every rank's answers; the scheduler binds `steps` itself. */
export interface IpcFeed extends Pick<SchedulerTransport, 'send' | 'receive' | 'close'> {
  address: IpcFeedAddress;
}

/** Binds the feed and the answer socket in the run folder. */
export async function openIpcFeed(dir: RunDir, sendTimeoutMs: number): Promise<IpcFeed> {
  const address: IpcFeedAddress = { feed: `ipc://${dir.path}/feed`, steps: `ipc://${dir.path}/steps`, acks: `ipc://${dir.path}/acks` };
  const end = await bindWithAnswers(new Push({ linger: 0, sendTimeout: sendTimeoutMs }), address.feed, address.acks);
  return { address, ...end };
}

/** A rank's ZeroMQ end: SUB to every step, PUSH for answers; `security` (CurveZMQ keys, for tcp) goes to both sockets. */
export function connectZmqRank(address: { steps: string; acks: string; wait?: WaitPolicy }, idleTimeoutMs: number, security: Partial<Pick<Subscriber, 'ipv6' | 'curveServerKey' | 'curvePublicKey' | 'curveSecretKey' | 'plainUsername' | 'plainPassword'>> = {}): RankTransport {
  const steps = new Subscriber({ linger: 0, ...security });
  const acks = new Push({ linger: 0, sendTimeout: idleTimeoutMs, ...security });
  steps.connect(address.steps);
  steps.subscribe();
  acks.connect(address.acks);
  const grace = graceOf(address.wait);
  return {
    // As on the scheduler's end: a timeout counts only when the wall clock agrees.
    receive: () => receiveSpinning(steps, idleTimeoutMs, grace),
    send: (frame) => acks.send(frame),
    close: () => {
      steps.close();
      acks.close();
    },
  };
}

/** A rank's ipc end. */
export function connectIpcRank(address: IpcAddress, idleTimeoutMs: number): RankTransport {
  return connectZmqRank(address, idleTimeoutMs);
}

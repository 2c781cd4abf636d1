import { Publisher, Pull, Push, Subscriber } from 'zeromq';
import type { RunDir } from './run-dir.js';
import type { IpcAddress, RankTransport, SchedulerTransport } from './types.js';

/** True for the error zeromq.js throws when a receive or send ran past its socket timeout. */
function isTimeout(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EAGAIN';
}

/** The scheduler's ZeroMQ end: PUB for steps, PULL for answers, both on ipc:// files in the run's private folder. */
export async function openIpcScheduler(dir: RunDir, sendTimeoutMs: number): Promise<SchedulerTransport> {
  // linger 0: a send with no peer left must never hold the process open at exit.
  const publisher = new Publisher({ linger: 0, sendTimeout: sendTimeoutMs });
  const acks = new Pull({ linger: 0 });
  const address: IpcAddress = { transport: 'ipc', steps: `ipc://${dir.path}/steps`, acks: `ipc://${dir.path}/acks` };
  try {
    await publisher.bind(address.steps);
    await acks.bind(address.acks);
  } catch (error) {
    publisher.close();
    acks.close();
    throw error;
  }
  return {
    name: 'ipc',
    address,
    send: (frames) => publisher.send(frames as Uint8Array[]),
    receive: async (timeoutMs) => {
      const deadline = performance.now() + timeoutMs;
      // libuv starts a timer from the loop's cached clock, which is stale after a long synchronous stretch (an encode
      // of a big message), so a receive timeout can fire early: only a timeout the wall clock agrees with counts.
      for (;;) {
        acks.receiveTimeout = Math.max(1, Math.ceil(deadline - performance.now()));
        try {
          const [frame] = await acks.receive();
          return frame ?? null;
        } catch (error) {
          if (!isTimeout(error)) throw error;
          if (performance.now() >= deadline) return null;
        }
      }
    },
    close: () => {
      publisher.close();
      acks.close();
    },
  };
}

/** A rank's ZeroMQ end: SUB to every step, PUSH for answers. */
export function connectIpcRank(address: IpcAddress, idleTimeoutMs: number): RankTransport {
  const steps = new Subscriber({ linger: 0 });
  const acks = new Push({ linger: 0, sendTimeout: idleTimeoutMs });
  steps.connect(address.steps);
  steps.subscribe();
  acks.connect(address.acks);
  return {
    receive: async () => {
      const deadline = performance.now() + idleTimeoutMs;
      // As on the scheduler's end: a timeout counts only when the wall clock agrees.
      for (;;) {
        steps.receiveTimeout = Math.max(1, Math.ceil(deadline - performance.now()));
        try {
          return await steps.receive();
        } catch (error) {
          if (!isTimeout(error)) throw error;
          if (performance.now() >= deadline) return null;
        }
      }
    },
    send: (frame) => acks.send(frame),
    close: () => {
      steps.close();
      acks.close();
    },
  };
}

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
      acks.receiveTimeout = timeoutMs;
      try {
        const [frame] = await acks.receive();
        return frame ?? null;
      } catch (error) {
        if (isTimeout(error)) return null;
        throw error;
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
  const steps = new Subscriber({ linger: 0, receiveTimeout: idleTimeoutMs });
  const acks = new Push({ linger: 0, sendTimeout: idleTimeoutMs });
  steps.connect(address.steps);
  steps.subscribe();
  acks.connect(address.acks);
  return {
    receive: async () => {
      try {
        return await steps.receive();
      } catch (error) {
        if (isTimeout(error)) return null;
        throw error;
      }
    },
    send: (frame) => acks.send(frame),
    close: () => {
      steps.close();
      acks.close();
    },
  };
}

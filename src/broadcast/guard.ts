import { BroadcastAbortedError } from './errors.js';
import { interruption } from './interrupt.js';

/** A session's hold on its processes: every wait races an interruption and the ranks' failure, and any failure tears it down. */
export interface SessionGuard {
  readonly closed: boolean;
  /** Races `promise` against an interruption and, once watched, the ranks' failure. */
  race<T>(promise: Promise<T>): Promise<T>;
  /** Adds the ranks' failure to every later race. */
  watch(failed: Promise<never>): void;
  /** Runs `fn`; when it throws, the session is torn down before the error goes on. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Stops listening for signals and tears down (once). */
  end(): void;
}

/**
 * Guards a session with `tearDown` (synchronous: kill processes, close sockets, remove files). Without an AbortSignal,
 * SIGINT and SIGTERM tear it down and then end the process the way they would have.
 */
export function sessionGuard(signal: AbortSignal | undefined, tearDown: () => void): SessionGuard {
  let closed = false;
  let failed: Promise<never> | null = null;
  const down = (): void => {
    if (closed) return;
    closed = true;
    tearDown();
  };
  const interrupt = interruption(signal, down);
  const end = (): void => {
    interrupt.dispose();
    down();
  };
  return {
    get closed() {
      return closed;
    },
    race: (promise) => Promise.race([promise, interrupt.promise, ...(failed === null ? [] : [failed])]),
    watch: (f) => {
      failed = f;
    },
    run: async (fn) => {
      if (closed) throw new BroadcastAbortedError('the session is closed');
      try {
        return await fn();
      } catch (error) {
        end();
        throw error;
      }
    },
    end,
  };
}

import { BroadcastAbortedError } from './errors.js';

/** A promise that rejects when the run is interrupted, and the means to stop listening. */
export interface Interruption {
  promise: Promise<never>;
  dispose(): void;
}

/**
 * Rejects on the AbortSignal; without one, owns SIGINT/SIGTERM for the run: `onSignal` cleans up synchronously, then
 * the signal is raised again so the process ends the way it would have.
 */
export function interruption(signal: AbortSignal | undefined, onSignal: () => void): Interruption {
  let reject: (error: BroadcastAbortedError) => void = () => undefined;
  const promise = new Promise<never>((_, r) => {
    reject = r;
  });
  promise.catch(() => undefined);
  if (signal !== undefined) {
    const onAbort = (): void => reject(new BroadcastAbortedError(String(signal.reason ?? 'aborted')));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
  }
  const handler = (name: NodeJS.Signals): void => {
    onSignal();
    process.removeListener('SIGINT', handler);
    process.removeListener('SIGTERM', handler);
    process.kill(process.pid, name);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    promise,
    dispose: () => {
      process.removeListener('SIGINT', handler);
      process.removeListener('SIGTERM', handler);
    },
  };
}

/** The one place the command line hears SIGINT and SIGTERM, from its first line on, for every subcommand. */
const controller = new AbortController();
let received: NodeJS.Signals | null = null;

/** The exit code a signal asks for: 128 + its number, as a shell reports it. */
export function exitCodeFor(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 143 : 130;
}

/**
 * Installs the handlers: the first signal aborts whatever is running (it cleans up and returns what it measured); a
 * second one exits at once, the cleanup that process-exit hooks do included.
 */
export function watchSignals(): void {
  // A reader that goes away (`stallbench … | head`) ends the run as an interrupt does: it cleans up, and later writes
  // to the closed pipe are dropped rather than thrown.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      if (!controller.signal.aborted) controller.abort('output closed');
    });
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (received !== null) process.exit(exitCodeFor(signal));
      received = signal;
      controller.abort('interrupted');
    });
  }
}

/** The signal that arrived, or null. */
export function signalReceived(): NodeJS.Signals | null {
  return received;
}

/** Aborts `local` when a signal arrives (at once if one already has); returns whether one did. */
export function abortOnSignals(local: AbortController): { interrupted: () => boolean } {
  if (controller.signal.aborted) local.abort('interrupted');
  else controller.signal.addEventListener('abort', () => local.abort('interrupted'), { once: true });
  return { interrupted: () => received !== null };
}

/** Formats seconds as "42s" or "3m05s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** A progress printer on stderr: a bar with the time left on a TTY, one line per configuration otherwise. */
export function progressPrinter(): (p: { done: number; total: number; label: string }) => void {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  return ({ done, total, label }) => {
    const elapsed = (Date.now() - started) / 1000;
    const left = done > 0 ? (elapsed / done) * (total - done) : Number.NaN;
    const eta = Number.isFinite(left) ? `${formatDuration(left)} left` : 'estimating';
    if (!tty) {
      process.stderr.write(`[${done + 1}/${total}] ${label} (${formatDuration(elapsed)} elapsed)\n`);
      return;
    }
    const width = 30;
    const filled = Math.round((done / Math.max(1, total)) * width);
    process.stderr.write(`\r\u001b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label} · ${eta}`);
  };
}

/** Installs SIGINT/SIGTERM handlers that abort `controller`; returns whether one fired. */
export function abortOnSignals(controller: AbortController): { interrupted: () => boolean } {
  let fired = false;
  const onSignal = (): void => {
    fired = true;
    controller.abort('interrupted');
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { interrupted: () => fired };
}

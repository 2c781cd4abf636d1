/** Formats seconds as "42s" or "3m05s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Blocks measured before the rate is trusted for a time left. */
const ETA_AFTER_BLOCKS = 5;

/**
 * Seconds left from the rate of blocks since the first one (the start-up and every configuration's warm-up come before
 * it and would inflate a rate taken from the start), or null until ETA_AFTER_BLOCKS blocks have been measured.
 */
export function secondsLeft(first: { atMs: number; done: number }, now: { atMs: number; done: number }, total: number): number | null {
  const measured = now.done - first.done;
  if (measured < ETA_AFTER_BLOCKS) return null;
  return ((now.atMs - first.atMs) / 1000 / measured) * Math.max(0, total - now.done);
}

/** A progress printer on stderr: a bar with the time left on a TTY, one line per configuration otherwise. */
export function progressPrinter(): (p: { done: number; total: number; label: string }) => void {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let first: { atMs: number; done: number } | null = null;
  return ({ done, total, label }) => {
    const elapsed = (Date.now() - started) / 1000;
    first ??= { atMs: Date.now(), done };
    const left = secondsLeft(first, { atMs: Date.now(), done }, total);
    const eta = left === null ? 'estimating' : `${formatDuration(left)} left`;
    if (!tty) {
      process.stderr.write(`[${done + 1}/${total}] ${label} (${formatDuration(elapsed)} elapsed)\n`);
      return;
    }
    const width = 30;
    const filled = Math.round((done / Math.max(1, total)) * width);
    process.stderr.write(`\r\u001b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label} · ${eta}`);
  };
}

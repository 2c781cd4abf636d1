/** Formats seconds as "42s" or "3m05s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Seconds left from the work done since the first block began (start-up and the first warm-ups come before it and would
 * inflate a rate taken from the start), each block weighed by the slots its steps carry; null until a block has finished.
 */
export function secondsLeft(first: { atMs: number; work: number }, now: { atMs: number; work: number }, totalWork: number): number | null {
  const measured = now.work - first.work;
  if (measured <= 0) return null;
  return ((now.atMs - first.atMs) / 1000 / measured) * Math.max(0, totalWork - now.work);
}

/** A progress printer on stderr: a bar with the time left on a TTY, one line per block otherwise. */
export function progressPrinter(): (p: { done: number; total: number; label: string; work?: { done: number; total: number } }) => void {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let first: { atMs: number; work: number } | null = null;
  return ({ done, total, label, work }) => {
    const elapsed = (Date.now() - started) / 1000;
    // Without weights every block counts alike.
    const units = work ?? { done, total };
    first ??= { atMs: Date.now(), work: units.done };
    const left = secondsLeft(first, { atMs: Date.now(), work: units.done }, units.total);
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

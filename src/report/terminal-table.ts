import { textTable } from './format.js';

/** The terminal's width, or `fallback` where there is none to ask (a pipe) or it says 0 (a launcher's pseudo-terminal). */
export function terminalWidth(fallback: number): number {
  const columns = process.stdout.columns;
  return columns !== undefined && columns > 0 ? columns : fallback;
}

/**
 * A text table cut to the terminal's width: trailing columns that do not fit are dropped, and the caller is told how
 * many, so it can point to the full table.
 */
export function fitTable(header: readonly string[], rows: readonly (readonly string[])[], width = terminalWidth(120)): { text: string; dropped: number } {
  for (let keep = header.length; keep >= 2; keep--) {
    const text = textTable(header.slice(0, keep), rows.map((r) => r.slice(0, keep)));
    const widest = Math.max(...text.split('\n').map((line) => line.length));
    if (widest <= width || keep === 2) return { text, dropped: header.length - keep };
  }
  return { text: textTable(header, rows), dropped: 0 };
}

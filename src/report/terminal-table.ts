import { textTable } from './format.js';

/**
 * A text table cut to the terminal's width: trailing columns that do not fit are dropped, and the caller is told how
 * many, so it can point to the full table.
 */
export function fitTable(header: readonly string[], rows: readonly (readonly string[])[], width = process.stdout.columns ?? 120): { text: string; dropped: number } {
  for (let keep = header.length; keep >= 2; keep--) {
    const text = textTable(header.slice(0, keep), rows.map((r) => r.slice(0, keep)));
    const widest = Math.max(...text.split('\n').map((line) => line.length));
    if (widest <= width || keep === 2) return { text, dropped: header.length - keep };
  }
  return { text: textTable(header, rows), dropped: 0 };
}

import { readFileSync } from 'node:fs';
import { ReportError } from './readme-sections.js';

/** Reads a results JSON file and checks its schema version; throws ReportError saying what is wrong. */
export function readResultsFile<T extends { schemaVersion: number }>(path: string, schemaVersion: number | readonly number[], kind: string): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ReportError(`${path}: missing (run the benchmark first)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ReportError(`${path}: not valid JSON (truncated?)`);
  }
  const version = (parsed as { schemaVersion?: unknown } | null)?.schemaVersion;
  const readable = typeof schemaVersion === 'number' ? [schemaVersion] : schemaVersion;
  if (typeof version !== 'number' || !readable.includes(version)) {
    throw new ReportError(`${path}: schema version ${String(version)}, this ${kind} report reads version ${readable.join(' or ')}`);
  }
  return parsed as T;
}

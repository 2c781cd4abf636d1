import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private folder (mode 0700) holding one run's socket files. */
export interface RunDir {
  path: string;
  /** Removes the folder and every file in it; safe to call twice. */
  remove(): void;
}

/** Creates the run folder; mkdtemp makes it 0700, so other users cannot reach the sockets. */
export function createRunDir(): RunDir {
  const path = mkdtempSync(join(tmpdir(), 'stallbench-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private folder (mode 0700) holding one run's ipc:// socket files. */
export interface RunDir {
  path: string;
  /** Endpoint rank 0 publishes steps on. */
  stepsEndpoint: string;
  /** Endpoint rank 0 collects acks on. */
  acksEndpoint: string;
  /** Removes the folder and every socket file in it; safe to call twice. */
  remove(): void;
}

/** Creates the run folder; mkdtemp makes it 0700, so other users cannot reach the sockets. */
export function createRunDir(): RunDir {
  const path = mkdtempSync(join(tmpdir(), 'stallbench-'));
  return {
    path,
    stepsEndpoint: `ipc://${join(path, 'steps')}`,
    acksEndpoint: `ipc://${join(path, 'acks')}`,
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

import { existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { StallbenchError } from '../errors.js';

/** An output path that cannot be written: said before anything is measured, in one line. */
export class OutputPathError extends StallbenchError {
  readonly cliExitCode = 2;
  override readonly name = 'OutputPathError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`cannot write to ${path}: ${reason}`);
  }
}

const reasonOf = (error: unknown): string => {
  const e = error as NodeJS.ErrnoException;
  return e.code === undefined ? (e instanceof Error ? e.message : String(error)) : `${e.code} (${e.syscall ?? 'fs'} ${e.path ?? ''})`.replace(' )', ')');
};

/**
 * Makes the folders a path needs one level at a time, from the deepest one that exists: each failure surfaces once (a
 * recursive mkdir under /proc can retry without end), and a file where a folder is needed is named.
 */
export function makeFolders(folder: string): void {
  const missing: string[] = [];
  let at = resolve(folder);
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) throw new OutputPathError(folder, `${at} is a file, not a folder`);
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      throw new OutputPathError(folder, reasonOf(error));
    }
  }
}

/**
 * Checks that an output (a folder, or a file) can be written, by making its folders and writing and removing a probe
 * file there: every command calls it for each output path before it measures anything.
 */
export function checkWritable(path: string, as: 'folder' | 'file'): void {
  const folder = as === 'folder' ? path : dirname(path);
  makeFolders(folder);
  if (as === 'file' && existsSync(path) && statSync(path).isDirectory()) throw new OutputPathError(path, 'it is a folder; give a file name');
  const probe = join(folder, `.stallbench-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    throw new OutputPathError(path, reasonOf(error));
  }
}

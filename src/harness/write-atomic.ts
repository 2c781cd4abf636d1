import { renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeFolders, OutputPathError } from './output-path.js';

/** Writes a file so readers never see it half-written: a temp file in the same folder, then rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  makeFolders(dirname(path));
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch (error) {
    throw new OutputPathError(path, (error as NodeJS.ErrnoException).code ?? String(error));
  }
}

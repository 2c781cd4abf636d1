import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PythonUnavailableError } from '../../src/python/errors.js';
import { findPython, type PythonInfo } from '../../src/python/probe.js';

/**
 * The interpreter the Python tests run (STALLBENCH_TEST_PYTHON, else the first of DEFAULT_PYTHONS that has numpy, pyzmq
 * and msgpack), or why there is none: they skip, saying why, only when none can run them.
 */
export const found: { info: PythonInfo; skip: null } | { info: null; skip: string } = await findPython(
  process.env.STALLBENCH_TEST_PYTHON !== undefined ? [process.env.STALLBENCH_TEST_PYTHON] : undefined,
).then(
  (info) => ({ info, skip: null }),
  (error: unknown) => {
    if (!(error instanceof PythonUnavailableError)) throw error;
    const skip = `skipping the Python tests: ${error.message}`;
    process.stderr.write(`${skip}\n`);
    return { info: null, skip };
  },
);

/** The interpreter's path; only called inside tests that run when one was found. */
export function python(): string {
  if (found.info === null) throw new Error(found.skip);
  return found.info.executable;
}

const made: string[] = [];

/** Removes the interpreters interpreterWithout made. */
export function removeInterpreters(): void {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** An interpreter that runs the real one with a module shadowed by one that fails to import, as on a machine without it. */
export function interpreterWithout(module: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'stallbench-python-'));
  made.push(folder);
  mkdirSync(join(folder, 'shadow', module), { recursive: true });
  writeFileSync(join(folder, 'shadow', module, '__init__.py'), `raise ModuleNotFoundError("No module named '${module}'")\n`);
  const path = join(folder, 'python3');
  writeFileSync(path, `#!/bin/sh\nPYTHONPATH='${join(folder, 'shadow')}' exec '${python()}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

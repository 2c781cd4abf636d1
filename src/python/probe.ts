import { execFile } from 'node:child_process';
import { lastLine, PYTHON_ENTRY, PYTHON_UNAVAILABLE_EXIT } from './processes.js';
import { PythonUnavailableError } from './errors.js';

/** An interpreter that can run stallbench's Python side, and the versions of what it runs. */
export interface PythonInfo {
  /** As asked for (a name on PATH or a path). */
  python: string;
  version: string;
  executable: string;
  numpy: string;
  pyzmq: string;
  libzmq: string;
  msgpack: string;
}

/** Interpreters tried when none is named: the one on PATH, then Debian's (whose python3-zmq, python3-numpy and python3-msgpack come from apt). */
export const DEFAULT_PYTHONS: readonly string[] = ['python3', '/usr/bin/python3'];

/** Checks up front (one short process) that `python` has Python >= 3.8, numpy, pyzmq and msgpack; PythonUnavailableError with one line otherwise. */
export function probePython(python: string, timeoutMs = 30_000): Promise<PythonInfo> {
  return new Promise((resolve, reject) => {
    execFile(python, [PYTHON_ENTRY, 'probe'], { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error === null) {
        try {
          resolve({ python, ...(JSON.parse(stdout.trim().split('\n').pop() ?? '') as Omit<PythonInfo, 'python'>) });
        } catch {
          reject(new PythonUnavailableError(python, 'answered the probe with something that is not its JSON result'));
        }
        return;
      }
      // execFile's error carries the exit status in `code` when the process ran, and the errno name when it did not.
      const code = (error as { code?: unknown }).code;
      const why =
        code === 'ENOENT'
          ? 'not found'
          : error.killed
            ? `no answer to the probe within ${timeoutMs} ms`
            : code === PYTHON_UNAVAILABLE_EXIT
              ? lastLine(stderr)
              : `the probe exited with ${String(code ?? error.signal)}${lastLine(stderr) ? `: ${lastLine(stderr)}` : ''}`;
      reject(new PythonUnavailableError(python, why));
    });
  });
}

/** The first of `candidates` that passes the probe; otherwise one PythonUnavailableError saying why each failed. */
export async function findPython(candidates: readonly string[] = DEFAULT_PYTHONS): Promise<PythonInfo> {
  const reasons: string[] = [];
  for (const python of candidates) {
    try {
      return await probePython(python);
    } catch (error) {
      if (!(error instanceof PythonUnavailableError)) throw error;
      reasons.push(error.message);
    }
  }
  throw new PythonUnavailableError(candidates.join(', '), `no interpreter with numpy, pyzmq and msgpack (${reasons.join('; ')})`);
}

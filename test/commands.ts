import { execFileSync } from 'node:child_process';

/** True when `command args` runs and exits 0 (a reader or interpreter is installed and has what it needs). */
export function commandWorks(command: string, args: readonly string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

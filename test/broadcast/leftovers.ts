import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** True while a process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') === false;
  } catch {
    return false;
  }
}

/** Polls until `check` holds or the time is up; returns the last answer. */
export async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

/** Shared-memory regions a given process created that are still there. */
export function shmRegionsOf(pid: number): string[] {
  return readdirSync('/dev/shm').filter((f) => f.startsWith(`stallbench-${pid}-`));
}

/** What a run may leave behind: live ranks, the socket folder, shared memory. */
export async function leftovers(info: { pids: number[]; runDir: string }, ownerPid = process.pid): Promise<string[]> {
  await eventually(() => info.pids.every((p) => !isAlive(p)));
  return [
    ...info.pids.filter(isAlive).map((p) => `rank pid ${p} alive`),
    ...(existsSync(info.runDir) ? [`run dir ${info.runDir}`] : []),
    ...shmRegionsOf(ownerPid).map((f) => `/dev/shm/${f}`),
  ];
}

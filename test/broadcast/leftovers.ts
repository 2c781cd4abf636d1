import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

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

/** Where a fixture's run is: its ranks, its socket folder and its own pid. */
export interface FixtureInfo {
  pids: number[];
  runDir: string;
  pid: number;
}

/** Starts a TypeScript fixture that prints its FixtureInfo as one line once steps are flowing, and waits for that line. */
export async function startFixture(fixture: URL, args: readonly string[]): Promise<{ child: ChildProcess; info: FixtureInfo }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture.pathname, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (child.stdout === null) throw new Error('the fixture has no stdout');
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  return { child, info: JSON.parse(line) as FixtureInfo };
}

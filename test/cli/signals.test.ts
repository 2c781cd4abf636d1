import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, isAlive, shmRegionsOf } from '../broadcast/leftovers.js';

// Every subcommand, signalled at the points a user's Ctrl-C lands: start-up, a rank or Python starting, measuring.
const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'stallbench-signals-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const pythonReady = spawnSync('/usr/bin/python3', ['-c', 'import numpy, zmq, msgpack'], { stdio: 'ignore' }).status === 0;

/** Every process below `root`, found through /proc. */
function descendants(root: number): { pid: number; cmd: string }[] {
  const parentOf = new Map<number, number>();
  const cmdOf = new Map<number, string>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmdOf.set(Number(name), readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' '));
    } catch {
      // Gone between the listing and the read.
    }
  }
  const below = (pid: number): boolean => {
    for (let p = parentOf.get(pid), hops = 0; p !== undefined && hops < 64; p = parentOf.get(p), hops++) if (p === root) return true;
    return false;
  };
  return [...parentOf.keys()].filter(below).map((pid) => ({ pid, cmd: cmdOf.get(pid) ?? '' }));
}

const runDirs = (): string[] => readdirSync(tmpdir()).filter((n) => /^stallbench-[A-Za-z0-9]{6}$/.test(n));

type When = 'at once' | 'it has printed' | 'a rank is up' | 'python is up' | 'measuring';

/** Runs the command, signals it when `when` holds, and says how it ended and what it left. */
async function interrupt(args: string[], when: When, signal: NodeJS.Signals) {
  const before = new Set(runDirs());
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const pid = child.pid ?? 0;
  const seen: number[] = [];
  const ready = (): boolean => {
    const below = descendants(pid);
    seen.push(...below.map((d) => d.pid).filter((p) => !seen.includes(p)));
    if (when === 'at once') return true;
    if (when === 'it has printed') return stdout.length + stderr.length > 0;
    if (when === 'a rank is up') return below.length > 0;
    if (when === 'python is up') return below.some((d) => d.cmd.includes('python'));
    return /block [2-9]\/|\[\d+\/\d+\] .*block/.test(stderr) && below.length > 0;
  };
  // Bounded: a command that never reaches the point fails the test rather than hanging it.
  const reached = await eventually(ready, 60_000);
  child.kill(signal);
  const sentAt = Date.now();
  const [exitCode, bySignal] = await exited;
  // Before Node has run a line, the signal's default action ends the process, which a shell reports as 128 + its number.
  const code = exitCode ?? (bySignal === 'SIGINT' ? 130 : bySignal === 'SIGTERM' ? 143 : null);
  const tookMs = Date.now() - sentAt;
  const left = [
    ...((await eventually(() => seen.every((p) => !isAlive(p)), 10_000)) ? [] : seen.filter(isAlive).map((p) => `pid ${p} alive`)),
    ...runDirs().filter((d) => !before.has(d)).map((d) => `run dir ${d}`),
    ...shmRegionsOf(pid).map((f) => `/dev/shm/${f}`),
  ];
  return { reached, code, stderr, stdout, tookMs, left };
}

const out = (name: string): string => join(folder, name);

describe.each(['SIGINT', 'SIGTERM'] as const)('%s to the command line', (signal) => {
  const exit = signal === 'SIGINT' ? 130 : 143;
  it.each([
    ['sweep', ['--quick', '--no-python', '--codecs', 'msgpack', '--seq-lens', '512'], 'at once'],
    ['sweep', ['--quick', '--no-python', '--codecs', 'msgpack,cbor', '--seq-lens', '512'], 'a rank is up'],
    ['sweep', ['--quick', '--no-python', '--codecs', 'msgpack,cbor', '--seq-lens', '512,2048'], 'measuring'],
    ['stall', ['stall', '--quick', '--codec', 'msgpack', '--seq-len', '512'], 'a rank is up'],
    ['ipc', ['ipc', '--quick'], 'a rank is up'],
    ['codecs', ['codecs', '--quick'], 'at once'],
    ['codecs', ['codecs', '--quick'], 'it has printed'],
    ['ipc', ['ipc', '--quick'], 'it has printed'],
  ] as const)('%s %j, %s: ends with its exit code, one line at most on stderr and nothing left behind', async (name, args, when) => {
    const r = await interrupt([...args, ...(name === 'sweep' ? ['--out', out(`${name}-${signal}-${when}`)] : [])], when, signal);
    expect(r.reached).toBe(true);
    expect({ code: r.code, stack: /\n\s+at /.test(r.stderr), left: r.left }).toEqual({ code: exit, stack: false, left: [] });
    // Whatever a progress bar wrote before, what the signal made is one line.
    expect(r.stderr.split('\n').filter((l) => /interrupt|stallbench:/.test(l)).length).toBeLessThanOrEqual(1);
    // Cleanup is quick; the bound is loose for a loaded machine, the figure is what the test prints.
    expect(r.tookMs).toBeLessThan(15_000);
  }, 120_000);

  it.runIf(pythonReady)('sweep with the Python ranks, while Python starts: the same', async () => {
    const r = await interrupt(['--quick', '--python', '/usr/bin/python3', '--codecs', 'msgpack', '--seq-lens', '512', '--out', out(`py-${signal}`)], 'python is up', signal);
    expect(r.reached).toBe(true);
    expect({ code: r.code, stack: /\n\s+at /.test(r.stderr), eagain: /EAGAIN/.test(r.stderr), left: r.left }).toEqual({ code: exit, stack: false, eagain: false, left: [] });
    expect(r.tookMs).toBeLessThan(15_000);
  }, 120_000);
});

describe('a reader that goes away', () => {
  it('ends the sweep as an interrupt does, once its stdout pipe closes: no stack, nothing left behind', async () => {
    const before = new Set(runDirs());
    const child = spawn(process.execPath, [cli, '--quick', '--no-python', '--codecs', 'msgpack,cbor', '--seq-lens', '512', '--out', out('epipe')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(child, 'exit');
    const pid = child.pid ?? 0;
    // As `… | head -1` does: read the first line, then close the pipe while the ranks are up.
    await once(child.stdout, 'data');
    const seen: number[] = [];
    expect(await eventually(() => (seen.push(...descendants(pid).map((d) => d.pid)), seen.length > 0), 60_000)).toBe(true);
    child.stdout.destroy();
    await exited;
    expect(/\n\s+at /.test(stderr)).toBe(false);
    expect(await eventually(() => seen.every((p) => !isAlive(p)), 10_000)).toBe(true);
    expect(runDirs().filter((d) => !before.has(d))).toEqual([]);
    expect(shmRegionsOf(pid)).toEqual([]);
  }, 120_000);
});

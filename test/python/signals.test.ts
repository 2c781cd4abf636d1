import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventually, isAlive, leftovers, startFixture } from '../broadcast/leftovers.js';
import { found, python } from './interpreter.js';

const fixture = new URL('./signal-fixture.ts', import.meta.url);

describe.skipIf(found.info === null)('a signal to the process running a Python session', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s mid-run kills the Python scheduler and rank and removes the socket folder', async (signal) => {
    const { child, info } = await startFixture(fixture, [python()]);
    expect(info.pids).toHaveLength(2);
    child.kill(signal);
    const [code, gotSignal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect({ code, gotSignal }).toEqual({ code: null, gotSignal: signal });
    expect(await leftovers(info, info.pid)).toEqual([]);
  });

  it('SIGKILL, which nothing can clean up after, still ends the Python processes: their stdin reaches EOF', async () => {
    const { child, info } = await startFixture(fixture, [python()]);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await eventually(() => info.pids.every((pid) => !isAlive(pid)), 20_000)).toBe(true);
    rmSync(info.runDir, { recursive: true, force: true });
  });
});

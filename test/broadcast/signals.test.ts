import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { leftovers } from './leftovers.js';

describe('a signal to the scheduler process mid-run', () => {
  it.each([
    ['SIGINT', 'shm'],
    ['SIGTERM', 'msgpack'],
  ] as const)('%s (%s) ends the run and leaves no rank, socket file or shared memory behind', async (signal, codec) => {
    const fixture = new URL('./signal-fixture.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, codec], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const info = JSON.parse(line) as { pids: number[]; runDir: string; pid: number };
    expect(info.pids).toHaveLength(2);
    // The fixture prints only once steps are flowing, so the signal lands mid-run.
    child.kill(signal);
    const [code, gotSignal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect({ code, gotSignal }).toEqual({ code: null, gotSignal: signal });
    expect(await leftovers(info, info.pid)).toEqual([]);
  });
});

import { rmSync } from 'node:fs';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { TRANSPORT_NAMES } from '../../src/transport/types.js';
import { eventually, isAlive, leftovers, shmRegionsOf, startFixture } from './leftovers.js';

const fixture = new URL('./signal-fixture.ts', import.meta.url);

describe.each(TRANSPORT_NAMES)('a signal to the scheduler process mid-run over %s', (transport) => {
  it.each([
    ['SIGINT', 'shm'],
    ['SIGTERM', 'msgpack'],
  ] as const)('%s (%s) ends the run and leaves no rank, socket file or shared memory behind', async (signal, codec) => {
    const { child, info } = await startFixture(fixture, [codec, transport]);
    expect(info.pids).toHaveLength(2);
    // The fixture prints only once steps are flowing, so the signal lands mid-run.
    child.kill(signal);
    const [code, gotSignal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    expect({ code, gotSignal }).toEqual({ code: null, gotSignal: signal });
    expect(await leftovers(info, info.pid)).toEqual([]);
  });

  it('SIGKILL, which nothing can clean up after, still takes its waiting ranks down with it', async () => {
    const { child, info } = await startFixture(fixture, ['msgpack', transport]);
    child.kill('SIGKILL');
    await once(child, 'exit');
    // The ranks see their parent's channel close, whether they wait in a socket or on a shared-memory word.
    expect(await eventually(() => info.pids.every((pid) => !isAlive(pid)), 20_000)).toBe(true);
    rmSync(info.runDir, { recursive: true, force: true });
    for (const name of shmRegionsOf(info.pid)) rmSync(`/dev/shm/${name}`, { force: true });
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StallRow } from '../../src/run/row.js';
import { lookup } from 'node:dns/promises';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { reachableStart } from '../../src/launch/agent.js';
import { packWorld, unpackWorld } from '../../src/launch/world-protocol.js';
import { isAlive } from '../broadcast/leftovers.js';
import { freePort, newSecret, printed, startRank } from './world-processes.js';

const folder = mkdtempSync(join(tmpdir(), 'stallbench-world-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// A quick tcp sweep, small enough for a loaded 2-core machine.
const QUICK_TCP = ['sweep', '--quick', '--no-python', '--transport', 'tcp', '--codecs', 'msgpack', '--strategies', 'delta', '--seq-lens', '256', '--batch', '4'];

/** The rows of the results a sweep wrote to `out`. */
function rowsIn(out: string): StallRow[] {
  const latest = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as { json: string };
  return (JSON.parse(readFileSync(join(out, latest.json), 'utf8')) as { rows: StallRow[] }).rows;
}

describe('the world protocol', () => {
  it('reads back what it packs, and drops anything that is not a well-formed message', () => {
    const join1 = { kind: 'join' as const, rank: 1, worldSize: 3, launcher: 'openmpi', host: 'b', pid: 7 };
    expect(unpackWorld(packWorld(join1))).toEqual(join1);
    expect(unpackWorld(Buffer.from('not json'))).toBeNull();
    expect(unpackWorld(Buffer.from(JSON.stringify({ kind: 'teleport' })))).toBeNull();
    expect(unpackWorld(Buffer.from(JSON.stringify({ kind: 'join', rank: '1', worldSize: 3 })))).toBeNull();
    expect(unpackWorld(Buffer.from(JSON.stringify({ kind: 'exit', session: 1, rank: 1, code: null, signal: 'SIGKILL', stderr: '' })))).not.toBeNull();
    expect(unpackWorld(undefined)).toBeNull();
    expect(unpackWorld(Buffer.from(JSON.stringify({ kind: 'welcome', peerTimeoutMs: 0 })))).toBeNull();
  });

  it('points a rank at rank 0 by the master\'s name where rank 0 bound every interface, and nowhere else', () => {
    const start = (steps: string, acks: string) => ({ rank: 1, token: 't', idleTimeoutMs: 1, address: { transport: 'tcp' as const, steps, acks } });
    expect(reachableStart(start('tcp://0.0.0.0:5000', 'tcp://0.0.0.0:5001'), 'node-a').address).toMatchObject({ steps: 'tcp://node-a:5000', acks: 'tcp://node-a:5001' });
    expect(reachableStart(start('tcp://[::]:5000', 'tcp://[::]:5001'), 'fd00::1').address).toMatchObject({ steps: 'tcp://[fd00::1]:5000' });
    expect(reachableStart(start('tcp://10.0.0.1:5000', 'tcp://10.0.0.1:5001'), 'node-a').address).toMatchObject({ steps: 'tcp://10.0.0.1:5000' });
    const ipc = { rank: 1, token: 't', idleTimeoutMs: 1, address: { transport: 'ipc' as const, steps: 'ipc:///x', acks: 'ipc:///y' } };
    expect(reachableStart(ipc, 'node-a')).toBe(ipc);
  });
});

/** Whether this machine resolves its own name and listens on IPv6 loopback: what two of the tests need. */
const ownNameResolves = await lookup(hostname()).then(() => true, () => false);
const ipv6Loopback = await new Promise<boolean>((resolve) => {
  const server = createServer();
  server.once('error', () => resolve(false));
  server.listen(0, '::1', () => server.close(() => resolve(true)));
});

describe('stallbench rank on one host (loopback)', () => {
  it('runs rank 0\'s sweep on the other ranks over tcp, every stamp on rank 0\'s clock, and every rank exits 0', async () => {
    const env = { STALLBENCH_SECRET: newSecret() };
    const master = `127.0.0.1:${await freePort()}`;
    const out = join(folder, 'three');
    // The other ranks' clocks run 10 s ahead, as another host's might: the tp=2 and the direct tp=3 stamps must both be corrected.
    const shiftNs = 10_000_000_000;
    const agents = [1, 2].map((rank) => startRank(['--rank', String(rank), '--world-size', '3', '--master', master], { ...env, STALLBENCH_TEST_CLOCK_SHIFT_NS: String(shiftNs) }));
    const zero = startRank(['--rank', '0', '--world-size', '3', '--master', master, '--', ...QUICK_TCP, '--tp', '3', '--out', out], env);
    expect(await zero.exited(120_000), zero.output()).toBe(0);
    for (const agent of agents) expect(await agent.exited(20_000), agent.output()).toBe(0);
    expect(zero.output()).toMatch(/rank 0 of 3 \(flags\); joined: rank 1 on .+, rank 2 on /);
    const [row] = rowsIn(out);
    expect(row?.transport).toBe('tcp');
    expect(row?.clock?.map((c) => c.rank)).toEqual([1]);
    const [clock] = row?.clock ?? [];
    expect(Math.abs((clock?.offsetUs ?? 0) - shiftNs / 1000)).toBeLessThanOrEqual(clock?.uncertaintyUs ?? 0);
    expect(row?.report.stall.p50).toBeLessThan(shiftNs / 2e6);
    // The direct tp=3 session ran on both other ranks of the world, its stamps corrected as well.
    const direct = row?.projections.find((p) => p.tp === 3)?.direct?.stall;
    expect(direct?.n).toBeGreaterThan(0);
    expect(direct?.p50).toBeLessThan(shiftNs / 2e6);
  });

  it('refuses a world whose ranks disagree on its size: both ends say so in one line and exit 2', async () => {
    const env = { STALLBENCH_SECRET: newSecret() };
    const master = `127.0.0.1:${await freePort()}`;
    const agent = startRank(['--rank', '1', '--world-size', '3', '--master', master, '--join-timeout', '30'], env);
    const zero = startRank(['--rank', '0', '--world-size', '2', '--master', master, '--join-timeout', '30', '--', ...QUICK_TCP], env);
    expect(await zero.exited(40_000)).toBe(2);
    expect(await agent.exited(40_000)).toBe(2);
    expect(lastLine(zero.output())).toBe('stallbench sweep: rank 1 says the world has 3 ranks; rank 0 says 2');
    expect(lastLine(agent.output())).toBe('stallbench rank: rank 1: refused by rank 0: rank 1 says the world has 3 ranks; rank 0 says 2');
  });

  it('tells the ranks that joined why a world that did not fill failed to form: all exit 2', async () => {
    const env = { STALLBENCH_SECRET: newSecret() };
    const master = `127.0.0.1:${await freePort()}`;
    const agent = startRank(['--rank', '1', '--world-size', '3', '--master', master], env);
    const zero = startRank(['--rank', '0', '--world-size', '3', '--master', master, '--join-timeout', '3', '--', ...QUICK_TCP], env);
    expect(await zero.exited(40_000)).toBe(2);
    expect(await agent.exited(40_000)).toBe(2);
    expect(lastLine(zero.output())).toBe(`stallbench sweep: rank 2 did not join rank 0 at tcp://${master} within 3 s`);
    expect(lastLine(agent.output())).toBe(`stallbench rank: rank 1: refused by rank 0: the world did not form: rank 2 did not join rank 0 at tcp://${master} within 3 s`);
  });

  it.skipIf(!ownNameResolves)('listens on every interface for a host name, and its ranks reach the sessions by that name', async () => {
    const env = { STALLBENCH_SECRET: newSecret() };
    const master = `${hostname()}:${await freePort()}`;
    const agent = startRank(['--rank', '1', '--world-size', '2', '--master', master], env);
    const zero = startRank(['--rank', '0', '--world-size', '2', '--master', master, '--', ...QUICK_TCP, '--transport', 'tcp-plain', '--out', join(folder, 'named')], env);
    expect(await zero.exited(120_000), zero.output()).toBe(0);
    expect(await agent.exited(20_000), agent.output()).toBe(0);
    expect(rowsIn(join(folder, 'named'))[0]?.transport).toBe('tcp-plain');
  });

  it.skipIf(!ipv6Loopback)('forms a world and runs its sessions over IPv6', async () => {
    const env = { STALLBENCH_SECRET: newSecret() };
    const master = `[::1]:${await freePort()}`;
    const agent = startRank(['--rank', '1', '--world-size', '2', '--master', master], env);
    const zero = startRank(['--rank', '0', '--world-size', '2', '--master', master, '--', ...QUICK_TCP, '--out', join(folder, 'v6')], env);
    expect(await zero.exited(120_000), zero.output()).toBe(0);
    expect(await agent.exited(20_000), agent.output()).toBe(0);
    expect(rowsIn(join(folder, 'v6'))[0]?.clock?.[0]?.host).toBe(hostname());
  });

  it('lets a rank that left before the world formed be started again, and the world then forms', async () => {
    const env = { STALLBENCH_SECRET: newSecret() };
    const master = `127.0.0.1:${await freePort()}`;
    const zero = startRank(['--rank', '0', '--world-size', '3', '--master', master, '--', ...QUICK_TCP, '--out', join(folder, 'rejoin')], env);
    const first = startRank(['--rank', '1', '--world-size', '3', '--master', master], env);
    expect(await printed(first.output, /rank 1 of 3 joined rank 0/), first.output()).toBe(true);
    first.child.kill('SIGINT');
    expect(await first.exited(30_000)).toBe(130);
    // The world is still short of rank 1: started again, it is let in, not refused as a rank claimed twice.
    const again = startRank(['--rank', '1', '--world-size', '3', '--master', master], env);
    const two = startRank(['--rank', '2', '--world-size', '3', '--master', master], env);
    expect(await zero.exited(120_000), zero.output()).toBe(0);
    expect(await again.exited(30_000), again.output()).toBe(0);
    expect(await two.exited(30_000), two.output()).toBe(0);
  });

  it('fails a typo in rank 0\'s command at once, and tells the ranks that joined why', async () => {
    const env = { STALLBENCH_SECRET: newSecret() };
    const master = `127.0.0.1:${await freePort()}`;
    const agent = startRank(['--rank', '1', '--world-size', '3', '--master', master, '--join-timeout', '5'], env);
    // World of 3 with rank 2 never coming: the command's own error must not wait out rank 0's join timeout.
    const zero = startRank(['--rank', '0', '--world-size', '3', '--master', master, '--join-timeout', '600', '--', ...QUICK_TCP, '--codecs', 'msgpak'], env);
    expect(await zero.exited(60_000)).toBe(2);
    expect(lastLine(zero.output())).toMatch(/^stallbench sweep: codec: unknown codec 'msgpak'/);
    // Rank 1 joined in time and was told why, or rank 0 was gone before it could: either way one line and exit 2.
    expect(await agent.exited(30_000)).toBe(2);
    expect(lastLine(agent.output())).toMatch(/refused by rank 0: the world did not form: rank 0 ended before the world formed: its command exited 2|could not reach rank 0 at .* within 5 s/);
  });

  it('refuses, at once, a command whose transports leave the world\'s ranks idle', async () => {
    const zero = startRank(['--rank', '0', '--world-size', '2', '--master', `127.0.0.1:${await freePort()}`, '--join-timeout', '600', '--', 'sweep', '--quick', '--transport', 'ipc'], { STALLBENCH_SECRET: newSecret() });
    expect(await zero.exited(60_000)).toBe(2);
    expect(lastLine(zero.output())).toBe('stallbench sweep: transport: under stallbench rank the other ranks serve only tcp sessions: give --transport tcp or tcp-plain (beside ipc)');
  });

  it('says in one line and exits 2 when rank 0 cannot be reached within the join timeout', async () => {
    const master = `127.0.0.1:${await freePort()}`;
    const agent = startRank(['--rank', '1', '--world-size', '2', '--master', master, '--join-timeout', '1'], { STALLBENCH_SECRET: newSecret() });
    expect(await agent.exited(30_000)).toBe(2);
    expect(agent.output().trim()).toBe(`stallbench rank: rank 1: could not reach rank 0 at tcp://${master} within 1 s`);
  });

  it('refuses and counts a peer without the secret, while the ranks that hold it run', async () => {
    const env = { STALLBENCH_SECRET: newSecret() };
    const master = `127.0.0.1:${await freePort()}`;
    const zero = startRank(['--rank', '0', '--world-size', '2', '--master', master, '--', ...QUICK_TCP, '--out', join(folder, 'intruder')], env);
    // The intruder claims rank 1 with a secret of its own: its handshakes are refused until it gives up.
    const intruder = startRank(['--rank', '1', '--world-size', '2', '--master', master, '--join-timeout', '3'], { STALLBENCH_SECRET: newSecret() });
    expect(await intruder.exited(30_000)).toBe(2);
    expect(intruder.output()).toMatch(/could not reach rank 0 .* rank 0 dropped \d+ handshakes? \(does every rank hold the same secret\?\)/);
    // The real rank 1 still gets in: the intruder never took its place.
    const agent = startRank(['--rank', '1', '--world-size', '2', '--master', master], env);
    expect(await zero.exited(120_000), zero.output()).toBe(0);
    expect(await agent.exited(20_000), agent.output()).toBe(0);
    expect(zero.output()).toMatch(/\d+ handshakes? (was|were) refused at the rendezvous for want of the run's secret/);
    expect(rowsIn(join(folder, 'intruder'))[0]?.transport).toBe('tcp');
  });

  it('fails rank 0 at once, saying why, when an agent is interrupted mid-run', async () => {
    const env = { STALLBENCH_SECRET: newSecret() };
    const master = `127.0.0.1:${await freePort()}`;
    const agent = startRank(['--rank', '1', '--world-size', '2', '--master', master], env);
    const zero = startRank(['--rank', '0', '--world-size', '2', '--master', master, '--', ...QUICK_TCP, '--codecs', 'msgpack,json,cbor', '--idle-ms', '20', '--out', join(folder, 'left')], env);
    expect(await printed(zero.output, /\[1\/\d+\]/), zero.output()).toBe(true);
    const ranks = childrenOf(agent.child.pid ?? -1);
    agent.child.kill('SIGINT');
    // Told by the agent, not by a 10 s silence: the failure names the interruption.
    expect(await printed(zero.output, /rank 1 failed (at step \d+|between steps \(handshake, configuration or a ping\)): its agent on .+ stopped: rank 1 was interrupted/), zero.output()).toBe(true);
    expect(await zero.exited(30_000)).toBe(1);
    // 130: a shell's code for SIGINT, as every stallbench command gives it.
    expect(await agent.exited(30_000)).toBe(130);
    expect(ranks.filter(isAlive)).toEqual([]);
  });

  it('stops every rank, and what it started, when rank 0 is lost mid-run', async () => {
    const env = { STALLBENCH_SECRET: newSecret() };
    const master = `127.0.0.1:${await freePort()}`;
    const agent = startRank(['--rank', '1', '--world-size', '2', '--master', master, '--peer-timeout', '3'], env);
    // Long enough to be mid-run when it is killed: every step waits 20 ms for the GPU stood in for.
    const zero = startRank(['--rank', '0', '--world-size', '2', '--master', master, '--', ...QUICK_TCP, '--codecs', 'msgpack,json,cbor', '--idle-ms', '20', '--out', join(folder, 'lost')], env);
    expect(await printed(zero.output, /\[1\/\d+\]/), zero.output()).toBe(true);
    const ranks = childrenOf(agent.child.pid ?? -1);
    expect(ranks.length).toBeGreaterThan(0);
    zero.child.kill('SIGKILL');
    expect(await agent.exited(30_000), agent.output()).toBe(1);
    expect(agent.output()).toMatch(/rank 1: lost rank 0 at tcp:\/\/127\.0\.0\.1:\d+ .*stopped what it started/);
    expect(ranks.filter(isAlive)).toEqual([]);
  });
});

/** The last line a process printed. */
const lastLine = (text: string): string => text.trim().split('\n').pop() ?? '';

/** The pids of a process's children, from /proc. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

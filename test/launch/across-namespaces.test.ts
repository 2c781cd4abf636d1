import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StallRow } from '../../src/run/row.js';
import { makeNamespacePair, namespacesUnavailable, type NamespacePair } from './netns.js';
import { eventually } from '../broadcast/leftovers.js';
import { CLI, goneWith, newSecret, printed, processesWith, start, type Started } from './world-processes.js';

// Scheduler and ranks in two network namespaces joined by a veth pair: real kernel TCP between "hosts", on an address
// only these namespaces hold.
const unavailable = namespacesUnavailable();
if (unavailable !== null) console.log(`skipping the tests across network namespaces: ${unavailable}`);

const folder = mkdtempSync(join(tmpdir(), 'stallbench-netns-'));
const pairs: NamespacePair[] = [];
afterAll(() => {
  for (const pair of pairs) pair.remove();
  rmSync(folder, { recursive: true, force: true });
});

const QUICK_TCP = ['sweep', '--quick', '--no-python', '--transport', 'tcp', '--codecs', 'msgpack', '--strategies', 'delta', '--seq-lens', '256', '--batch', '4'];
const PORT = 29517;

/** The rows of the results a sweep wrote to `out`. */
function rowsIn(out: string): StallRow[] {
  const latest = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as { json: string };
  return (JSON.parse(readFileSync(join(out, latest.json), 'utf8')) as { rows: StallRow[] }).rows;
}

const quoted = (args: readonly string[]): string => args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');

/** `mpirun -np N` of one command line: rank 0 in namespace a, every other rank in b, as on two hosts. */
function mpirun(pair: NamespacePair, np: number, args: readonly string[], env: NodeJS.ProcessEnv): Started {
  const rankLine = quoted([process.execPath, CLI, 'rank', '--master', `${pair.addressA}:${PORT}`, '--peer-timeout', '5', ...args]);
  const script = `exec ip netns exec "$( [ "$OMPI_COMM_WORLD_RANK" = 0 ] && echo ${pair.a} || echo ${pair.b} )" ${rankLine}`;
  // --bind-to none: Open MPI would otherwise pin each process to one core, and rank 0's forks with it.
  return start('mpirun', ['--allow-run-as-root', '--oversubscribe', '--bind-to', 'none', '-np', String(np), 'sh', '-c', script], env);
}

/** One rank started in `ns` by hand, as one shell per host would. */
function byHand(ns: string, pair: NamespacePair, rank: number, size: number, args: readonly string[], env: NodeJS.ProcessEnv): Started {
  return start('ip', ['netns', 'exec', ns, process.execPath, CLI, 'rank', '--rank', String(rank), '--world-size', String(size), '--master', `${pair.addressA}:${PORT}`, '--peer-timeout', '3', ...args], env);
}

describe.skipIf(unavailable !== null)('stallbench rank across network namespaces', () => {
  it('under mpirun -np 3, runs a tcp sweep whose ranks are on the other "host": tcp rows, one clock within its uncertainty, the link band', async () => {
    const pair = makeNamespacePair('m');
    pairs.push(pair);
    const out = join(folder, 'mpirun');
    const run = mpirun(pair, 3, ['--', ...QUICK_TCP, '--tp', '3', '--link', '25us,100Gbps', '--out', out], { STALLBENCH_SECRET: newSecret() });
    expect(await run.exited(180_000), run.output()).toBe(0);
    expect(run.output()).toMatch(/rank 0 of 3 \(openmpi\); joined: rank 1 on .+, rank 2 on /);
    const [row] = rowsIn(out);
    expect(row?.transport).toBe('tcp');
    // The namespaces share one kernel and so one CLOCK_MONOTONIC: the estimate must come out within its uncertainty of 0.
    for (const clock of row?.clock ?? []) expect(Math.abs(clock.offsetUs)).toBeLessThanOrEqual(clock.uncertaintyUs);
    expect(row?.clock?.length).toBe(1);
    // Each rank's clock names the host its agent ran on.
    expect(row?.clock?.[0]?.host).toMatch(/\S/);
    expect(row?.link?.map((band) => band.tp)).toEqual([2, 3]);
    expect(row?.projections.find((p) => p.tp === 3)?.direct?.stall.n).toBeGreaterThan(0);
    expect(await goneWith(pair.addressA)).toEqual([]);
  });

  it('refuses an intruder from the other "host" and recovers a rank clock shifted by a known amount, ranks started one shell per "host"', async () => {
    const pair = makeNamespacePair('s');
    pairs.push(pair);
    const env = { STALLBENCH_SECRET: newSecret() };
    const out = join(folder, 'shifted');
    const shiftNs = 4_000_000;
    const zero = byHand(pair.a, pair, 0, 2, ['--', ...QUICK_TCP, '--out', out], env);
    // An intruder on the other "host" without the run's secret: refused until it gives up, and never in the world.
    const intruder = byHand(pair.b, pair, 1, 2, ['--join-timeout', '2'], { STALLBENCH_SECRET: newSecret() });
    expect(await intruder.exited(30_000)).toBe(2);
    expect(intruder.output()).toMatch(/could not reach rank 0 .* rank 0 dropped \d+ handshakes?/);
    const agent = byHand(pair.b, pair, 1, 2, [], { ...env, STALLBENCH_TEST_CLOCK_SHIFT_NS: String(shiftNs) });
    expect(await zero.exited(120_000), zero.output()).toBe(0);
    expect(zero.output()).toMatch(/\d+ handshakes? (was|were) refused at the rendezvous/);
    expect(await agent.exited(20_000), agent.output()).toBe(0);
    const [clock] = rowsIn(out)[0]?.clock ?? [];
    expect(clock).toBeDefined();
    expect(Math.abs((clock?.offsetUs ?? 0) - shiftNs / 1000)).toBeLessThanOrEqual(clock?.uncertaintyUs ?? 0);
  });

  it('gives RankFailedError on rank 0 when a remote rank is killed, and leaves no process on either "host"', async () => {
    const pair = makeNamespacePair('k');
    pairs.push(pair);
    const run = mpirun(pair, 3, ['--', ...QUICK_TCP, '--codecs', 'msgpack,json,cbor', '--idle-ms', '20', '--out', join(folder, 'killed')], { STALLBENCH_SECRET: newSecret() });
    expect(await printed(run.output, /\[1\/\d+\]/), run.output()).toBe(true);
    // The rank processes' command lines hold the scheduler's tcp address: the one in namespace a.
    const victim = (await waitForRankProcess(pair.addressA))[0];
    expect(victim).toBeDefined();
    process.kill(victim as number, 'SIGKILL');
    // Its agent reports the exit at once, so the failure names the signal, not the session's answer timeout.
    expect(await printed(run.output, /stallbench( sweep)?: rank 1 failed at step \d+: exited by SIGKILL/), run.output()).toBe(true);
    const code = await run.exited(60_000);
    expect(code, run.output()).not.toBe(0);
    expect(code).not.toBeNull();
    expect(await goneWith(pair.addressA)).toEqual([]);
  });

  it('fails the run on rank 0 and ends every rank by itself when the link goes down mid-run', async () => {
    const pair = makeNamespacePair('l');
    pairs.push(pair);
    const env = { STALLBENCH_SECRET: newSecret() };
    const agent = byHand(pair.b, pair, 1, 2, [], env);
    const zero = byHand(pair.a, pair, 0, 2, ['--', ...QUICK_TCP, '--codecs', 'msgpack,json,cbor', '--idle-ms', '20', '--out', join(folder, 'cut')], env);
    expect(await printed(zero.output, /\[1\/\d+\]/), zero.output()).toBe(true);
    pair.cut();
    expect(await zero.exited(60_000), zero.output()).toBe(1);
    expect(zero.output()).toMatch(/stallbench( sweep)?: rank 1 failed (at step \d+|between steps \(handshake, configuration or a ping\)): /);
    // No FIN crosses a link that is down: the agent learns of it from its missed heartbeats.
    expect(await agent.exited(60_000), agent.output()).toBe(1);
    expect(agent.output()).toMatch(/rank 1: lost rank 0 at tcp:\/\/[\d.]+:\d+ .*stopped what it started/);
    expect(await goneWith(pair.addressA)).toEqual([]);
  });
});

/** The pids of rank processes talking to the scheduler at `address`, once there are any (a bounded wait). */
async function waitForRankProcess(address: string): Promise<number[]> {
  const find = (): number[] => processesWith(`rank-process.js.*tcp://${address.replace(/\./g, '\\.')}`);
  await eventually(() => find().length > 0, 30_000);
  return find();
}

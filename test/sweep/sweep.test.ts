import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { fixedPlan } from '../../src/broadcast/sampling.js';
import type { RankSession } from '../../src/broadcast/session.js';
import { leftovers } from '../broadcast/leftovers.js';
import { DEFAULT_ORDER_SEED, roundOrder } from '../../src/sweep/order.js';
import { KEEP_ALIVE_MS, keeperOf, type Sessions } from '../../src/sweep/sessions.js';
import { rowKey } from '../../src/report/compare.js';
import { runSweep } from '../../src/sweep/sweep.js';
import type { SweepOptions } from '../../src/sweep/types.js';

const base: SweepOptions = {
  codecs: ['msgpack', 'shm'],
  strategies: ['full', 'delta'],
  batch: 4,
  seqLens: [64, 256],
  projectTp: [4, 8],
  stepMs: 20,
  transports: ['ipc'],
  finishRate: 0,
  sampling: fixedPlan(6, 2),
  python: null,
};

describe('roundOrder', () => {
  it('is a seeded shuffle: a permutation, the same for the same seed, launch and round, and different across rounds', () => {
    const group = Array.from({ length: 30 }, (_, i) => i);
    const first = roundOrder(group, 1, 0, 0);
    expect([...first].sort((a, b) => a - b)).toEqual(group);
    expect(roundOrder(group, 1, 0, 0)).toEqual(first);
    expect(roundOrder(group, 1, 0, 1)).not.toEqual(first);
    expect(roundOrder(group, 1, 1, 0)).not.toEqual(first);
    expect(roundOrder(group, 2, 0, 0)).not.toEqual(first);
    expect(group).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});

describe('keeperOf', () => {
  it('pings the sessions of a runtime left idle past the keep-alive before work on another, and never the one at work', async () => {
    let now = 0;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => now);
    try {
      const pings = { node: 0, python: 0 };
      const sessionOf = (runtime: 'node' | 'python'): Sessions => ({
        two: { pingRoundTrips: async () => (pings[runtime]++, [0.1]) } as unknown as RankSession,
        direct: new Map(),
        interpreter: null,
        close: async () => undefined,
      });
      const keeper = keeperOf(new Map([['node', sessionOf('node')], ['python', sessionOf('python')]]));
      await keeper.using('node', async () => (now += KEEP_ALIVE_MS - 1));
      // Python has been idle just under the keep-alive: no ping yet.
      await keeper.using('node', async () => undefined);
      expect(pings).toEqual({ node: 0, python: 0 });
      now += 2;
      await keeper.using('node', async () => undefined);
      expect(pings).toEqual({ node: 0, python: 1 });
      // Node just worked; Python's work pings nobody until Node has been idle that long too.
      await keeper.using('python', async () => (now += KEEP_ALIVE_MS));
      expect(pings).toEqual({ node: 0, python: 1 });
      await keeper.using('python', async () => undefined);
      expect(pings).toEqual({ node: 1, python: 1 });
    } finally {
      clock.mockRestore();
    }
  });
});

describe('runSweep', () => {
  it('measures every codec × strategy × size on live ranks, projects each TP as a band with its basis, and keeps raw samples', async () => {
    const seen: string[] = [];
    const outcome = await runSweep({ ...base, sampling: { ...fixedPlan(6, 2), blocks: 3 }, onProgress: (p) => seen.push(`${p.done}/${p.total} ${p.label}`) });
    expect(outcome.complete).toBe(true);
    expect(outcome.rows).toHaveLength(8);
    // The counter counts blocks of configurations, once each, in rounds: every configuration's first block, then every second.
    expect(seen).toHaveLength(24);
    expect(seen.map((s) => s.split(' ')[0])).toEqual(Array.from({ length: 24 }, (_, i) => `${i}/24`));
    const configsIn = (round: number): string[] => seen.slice(round * 8, round * 8 + 8).map((s) => s.replace(/^\d+\/24 /, '').replace(/, block \d\/3$/, ''));
    for (const round of [0, 1, 2]) {
      expect(seen.slice(round * 8, round * 8 + 8).every((s) => s.endsWith(`block ${round + 1}/3`))).toBe(true);
      expect([...configsIn(round)].sort()).toEqual(outcome.rows.map((r) => `${r.codec} ${r.strategy} 4x${r.seqLen}`).sort());
    }
    // Each round's order is the seeded shuffle of the configurations, anew every round.
    const labels = outcome.rows.map((r) => `${r.codec} ${r.strategy} 4x${r.seqLen}`);
    for (const round of [0, 1, 2]) expect(configsIn(round)).toEqual(roundOrder(labels, DEFAULT_ORDER_SEED, 0, round));
    for (const row of outcome.rows) {
      expect(row.report.samples.stall).toHaveLength(6);
      expect(row.report.stall.n).toBe(6);
      expect(row.blocks).toHaveLength(3);
      expect(row.report.restarts).toBe(0);
      expect(row.projections.map((p) => p.tp)).toEqual([4, 8]);
      for (const p of row.projections) {
        expect(p.band.highMs).toBeGreaterThanOrEqual(p.band.lowMs);
        expect(p.band.basis).toMatch(/^tp=2 measured/);
        expect(p.band.basisOversubscribed).toBe(row.report.oversubscribed);
        expect(p.low?.stepMs).toBe(20);
      }
      expect(row.launches).toHaveLength(1);
      expect(row.launchSpread).toBe(0);
      // CPU per step on the scheduler (this process) and the rank, one sample a block; the rank's work is part of it.
      expect(row.cpu?.map((c) => [c.rank, c.blocks])).toEqual([
        [0, 3],
        [1, 3],
      ]);
      for (const c of row.cpu ?? []) {
        expect(c.usPerStep).toBeGreaterThan(0);
        expect(c.otherUs).toBeCloseTo(Math.max(0, c.usPerStep - c.workUs), 9);
        // A process cannot keep more cores busy than it has threads; ZeroMQ's I/O thread makes two.
        expect(c.cores).toBeGreaterThan(0);
        expect(c.cores).toBeLessThan(4);
      }
    }
    expect(outcome.timelines.map((t) => t.label)).toEqual(['worst', 'best']);
    const worst = outcome.timelines[0];
    expect(worst?.seqLen).toBe(256);
    // Timelines come from the tp=2 runs themselves.
    expect(worst?.tp).toBe(2);
    expect(new Set(worst?.events.map((e) => e.rank))).toEqual(new Set([0, 1]));
    expect(worst?.events.every((e) => e.endMs >= e.startMs)).toBe(true);
  });

  it('with repeat: launches fresh ranks each time, pools the samples and reports the spread of the medians', async () => {
    const outcome = await runSweep({ ...base, codecs: ['cbor'], strategies: ['no-slots'], seqLens: [64], repeat: 3 });
    const [row] = outcome.rows;
    expect(outcome.rows).toHaveLength(1);
    expect(row?.launches).toHaveLength(3);
    expect(row?.report.stall.n).toBe(18);
    const medians = row?.launches.map((l) => l.p50) ?? [];
    const sorted = [...medians].sort((a, b) => a - b);
    expect(row?.launchSpread).toBeCloseTo(((sorted[2] ?? 0) - (sorted[0] ?? 0)) / (sorted[1] ?? 1), 12);
  });

  it('with repeat over two transports: alternates which transport goes first, so drift lands on both alike, and runs the shm-ring wait policy asked for', async () => {
    const labels: string[] = [];
    const outcome = await runSweep({
      ...base,
      codecs: ['msgpack'],
      strategies: ['delta'],
      seqLens: [64],
      transports: ['ipc', 'shm-ring'],
      shmRing: { wait: { spinUs: 1234 } },
      repeat: 2,
      onProgress: (p) => labels.push(p.label),
    });
    // The wait policy asked for is the one the shm-ring rows ran and record; ZeroMQ has none.
    expect(outcome.rows.map((r) => [r.transport, r.report.waitPolicy?.spinUs ?? null])).toEqual(expect.arrayContaining([['ipc', null], ['shm-ring', 1234]]));
    const transportOf = (launch: number): string[] => labels.filter((l) => l.includes(`launch ${launch}/2`)).map((l) => (l.includes('over shm-ring') ? 'shm-ring' : 'ipc'));
    expect([...new Set(transportOf(1))]).toEqual(['ipc', 'shm-ring']);
    expect([...new Set(transportOf(2))]).toEqual(['shm-ring', 'ipc']);
  });

  it('measures every configuration under each wait policy asked for, in the same run, each row recording its own', async () => {
    const outcome = await runSweep({ ...base, codecs: ['msgpack'], strategies: ['delta'], seqLens: [64], transports: ['ipc', 'shm-ring'], wait: ['sleep', 'spin:300', 'adaptive'], idleMs: 1 });
    const seen = outcome.rows.map((r) => `${r.transport} ${r.wait ?? '?'} ${r.report.waitPolicy === null ? 'blocks' : r.report.waitPolicy.adaptive !== undefined ? 'adaptive' : r.report.waitPolicy.spinUs}`);
    // ZeroMQ's `sleep` is its own blocking wait; the ring's polls with no spin.
    expect(seen.sort()).toEqual(['ipc adaptive adaptive', 'ipc sleep blocks', 'ipc spin:300 300', 'shm-ring adaptive adaptive', 'shm-ring sleep 0', 'shm-ring spin:300 300']);
    expect(outcome.rows.every((r) => r.report.idleMs === 1 && (r.cpu?.length ?? 0) === 2)).toBe(true);
    expect(new Set(outcome.rows.map(rowKey)).size).toBe(6);
    // Every row says where its tail comes from, over the steps it measured.
    expect(outcome.rows.every((r) => r.report.tails?.steps === r.report.stall.n && r.report.tails.p99Without <= r.report.stall.p99)).toBe(true);
    await expect(runSweep({ ...base, wait: ['doze'] })).rejects.toThrow(/unknown wait policy 'doze'/);
  });

  it('keeps what it measured and says why when a rank process dies mid-sweep', async () => {
    const before = await leftovers({ pids: [], runDir: '' });
    const dying = fileURLToPath(new URL('../fixtures/codecs/dies-in-rank.mjs', import.meta.url));
    const outcome = await runSweep({ ...base, codecs: ['msgpack', dying], strategies: ['full'], seqLens: [64], sampling: { ...fixedPlan(6, 2), blocks: 3 } });
    expect(outcome.complete).toBe(false);
    expect(outcome.stoppedBy).toMatch(/^rank 1 failed at step \d+/);
    // The rounds before the death measured msgpack (the order is seeded, so the same every run).
    expect(outcome.rows.find((r) => r.codec === 'msgpack')?.report.stall.n).toBeGreaterThanOrEqual(2);
    expect(await leftovers({ pids: [], runDir: '' })).toEqual(before);
  });

  it('puts pickle in its own reference table, or says once that it cannot and carries on', async () => {
    const inProcess = { ...base, codecs: ['msgpack'], strategies: ['full', 'delta'] as const, seqLens: [64, 128], transports: ['none' as const] };
    const withPython = await runSweep({ ...inProcess, strategies: [...inProcess.strategies], python: '/usr/bin/python3' });
    expect(withPython.rows.map((r) => r.codec)).toEqual(['msgpack', 'msgpack', 'msgpack', 'msgpack']);
    expect(withPython.reference.filter((r) => r.seqLen === 64).map((r) => `${r.codec}/${r.strategy}`)).toEqual([
      'pickle (python3)/full',
      'pickle-array (python3)/full',
      'pickle (python3)/delta',
      'pickle-array (python3)/delta',
    ]);
    expect(withPython.python).toMatchObject({ version: expect.stringMatching(/^3\./) });
    const pickle = withPython.reference.find((r) => r.codec === 'pickle (python3)');
    expect(pickle?.inProcessMs).toBeCloseTo((pickle?.dumps.p50 ?? 0) + (pickle?.loads.p50 ?? 0), 9);
    expect(pickle?.dumps.n).toBeGreaterThanOrEqual(10);
    const warnings: string[] = [];
    const without = await runSweep({ ...inProcess, strategies: [...inProcess.strategies], python: '/nonexistent/python3', onPythonUnavailable: (r) => warnings.push(r) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not found/);
    expect(without.reference).toEqual([]);
    expect(without.python).toEqual({ unavailable: '/nonexistent/python3: not found' });
  });

  it('returns what it measured when aborted', async () => {
    const controller = new AbortController();
    const outcome = await runSweep({
      ...base,
      codecs: ['msgpack', 'cbor', 'v8'],
      strategies: ['full'],
      seqLens: [32],
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 1) controller.abort('test');
      },
    });
    expect(outcome.complete).toBe(false);
    expect(outcome.rows).toHaveLength(1);
  });
});

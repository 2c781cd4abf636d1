import { describe, expect, it } from 'vitest';
import { runSweep } from '../../src/sweep/sweep.js';

describe('runSweep', () => {
  it('measures every codec × strategy × size with real processes, projects each TP, and records worst and best timelines', async () => {
    const seen: string[] = [];
    const outcome = await runSweep({
      codecs: ['msgpack', 'shm'],
      strategies: ['full', 'delta'],
      batch: 4,
      seqLens: [64, 256],
      projectTp: [4, 8],
      stepMs: 20,
      ipc: true,
      sequenceSteps: 3,
      finishRate: 0.2,
      broadcastSteps: 2,
      timeMs: 10,
      python: null,
      onProgress: (p) => seen.push(`${p.done}/${p.total}`),
    });
    expect(outcome.complete).toBe(true);
    expect(outcome.rows).toHaveLength(8);
    expect(seen[0]).toBe('0/8');
    for (const row of outcome.rows) {
      expect(row.projections.map((p) => p.tp)).toEqual([4, 8]);
      const [tp4, tp8] = row.projections;
      // Each extra peer adds a non-negative cost, so a larger TP never projects a smaller stall.
      expect(tp8?.stallMs).toBeGreaterThanOrEqual(tp4?.stallMs ?? Infinity);
      expect(row.report.transportMeasurement?.measured.map((m) => m.tp)).toEqual([2, 3]);
    }
    expect(outcome.timelines.map((t) => t.label)).toEqual(['worst', 'best']);
    const worst = outcome.timelines[0];
    expect(worst?.seqLen).toBe(256);
    expect(new Set(worst?.events.map((e) => e.rank))).toEqual(new Set([0, 1, 2]));
    expect(worst?.events.every((e) => e.endMs >= e.startMs)).toBe(true);
  });

  it('adds pickle reference rows from Python, or says once that it cannot and carries on', async () => {
    const base = { codecs: ['msgpack'] as const, strategies: ['full', 'delta'] as const, batch: 2, seqLens: [64, 128], projectTp: [4], stepMs: 20, ipc: false, sequenceSteps: 2, finishRate: 0, broadcastSteps: 2, timeMs: 5 };
    const withPython = await runSweep({ ...base, codecs: [...base.codecs], strategies: [...base.strategies], python: 'python3' });
    const names = withPython.rows.filter((r) => r.seqLen === 64).map((r) => `${r.codec}/${r.strategy}`);
    expect(names).toEqual(['msgpack/full', 'msgpack/delta', 'pickle (python3)/full', 'pickle-array (python3)/full', 'pickle (python3)/delta', 'pickle-array (python3)/delta']);
    expect(withPython.python).toMatchObject({ version: expect.stringMatching(/^3\./) });
    const pickle = withPython.rows.find((r) => r.codec === 'pickle (python3)');
    expect(pickle?.report.stall.p50).toBeCloseTo((pickle?.report.encode.p50 ?? 0) + (pickle?.report.decode.p50 ?? 0), 9);
    const warnings: string[] = [];
    const without = await runSweep({ ...base, codecs: [...base.codecs], strategies: [...base.strategies], python: '/nonexistent/python3', onPythonUnavailable: (r) => warnings.push(r) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not found/);
    expect(without.rows.map((r) => r.codec)).toEqual(['msgpack', 'msgpack', 'msgpack', 'msgpack']);
    expect(without.python).toEqual({ unavailable: '/nonexistent/python3: not found' });
  });

  it('returns what it measured when aborted', async () => {
    const controller = new AbortController();
    const outcome = await runSweep({
      codecs: ['msgpack', 'cbor', 'v8'],
      strategies: ['full'],
      batch: 2,
      seqLens: [32],
      projectTp: [4],
      stepMs: 20,
      ipc: true,
      sequenceSteps: 2,
      finishRate: 0,
      broadcastSteps: 2,
      timeMs: 10,
      python: null,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 1) controller.abort('test');
      },
    });
    expect(outcome.complete).toBe(false);
    expect(outcome.rows).toHaveLength(1);
  });
});

import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../src/broadcast/records.js';
import { tailAttribution } from '../../src/run/tails.js';

/** A step whose stall is `ms`, with what its processes counted over it. */
function step(ms: number, counted: { runQueueUs?: number; gcMs?: number; faults?: number; involuntary?: number } = {}): StepRecord {
  return {
    step: 0,
    restart: false,
    startNs: 0,
    encodedNs: 0,
    sentNs: 0,
    frames: 1,
    wireBytes: 10,
    payloadBytes: 10,
    pageFaults: counted.faults ?? 0,
    involuntary: counted.involuntary ?? 0,
    gcMs: 0,
    runQueueUs: 0,
    ranks: [{ rank: 1, receivedNs: 0, decodedNs: 0, convertedNs: 0, readyNs: ms * 1e6, pageFaults: 0, involuntary: 0, gcMs: counted.gcMs ?? 0, runQueueUs: counted.runQueueUs ?? 0, verified: null }],
  };
}

describe('tail attribution', () => {
  it('names what each slow step had, against what every step has anyway, and gives the p99 without the explained ones', () => {
    const steps = [
      ...Array.from({ length: 90 }, () => step(1)),
      // Ten steps above 3 ms: six waited for a core for most of their excess, one collected garbage, one faulted, two nothing.
      ...Array.from({ length: 6 }, () => step(10, { runQueueUs: 8000 })),
      step(10, { gcMs: 4 }),
      step(10, { faults: 500 }),
      step(10),
      step(10),
    ];
    const t = tailAttribution(steps);
    expect(t.thresholdMs).toBe(3);
    expect(t.slow).toBe(10);
    // Faults are a correlate, never an explanation: `any` is preempted or collected.
    expect(t.slowWith).toEqual({ preemption: 0.6, gc: 0.1, faults: 0.1, any: 0.7 });
    expect(t.allWith.preemption).toBeCloseTo(6 / 100, 12);
    expect(t.mostlyPreemption).toBe(true);
    // Left out: the seven explained slow steps; the faulted and the two unexplained 10 ms steps are 3 of 93 kept, so the p99 is still theirs.
    expect(t.p99Without).toBe(10);
  });

  it('does not call a slow step preempted for a wait that accounts for little of its excess', () => {
    const steps = [...Array.from({ length: 20 }, () => step(1)), ...Array.from({ length: 4 }, () => step(31, { runQueueUs: 200 }))];
    const t = tailAttribution(steps);
    // 200 µs of a 30 ms excess: under a third of it, though over the 50 µs every step's count uses.
    expect(t.slowWith.preemption).toBe(0);
    expect(t.allWith.preemption).toBeCloseTo(4 / 24, 12);
    expect(t.mostlyPreemption).toBe(false);
    expect(t.p99Without).toBe(31);
  });

  it('reads only the critical path: a wait on a rank that was not the last ready explains nothing', () => {
    const early = (ms: number, waitUs: number): StepRecord => {
      const s = step(ms);
      const rank = s.ranks[0] as StepRecord['ranks'][number];
      // Rank 2 was ready last; rank 1, ready at once, waited for a core.
      return { ...s, ranks: [{ ...rank, rank: 1, readyNs: 0, runQueueUs: waitUs }, { ...rank, rank: 2 }] };
    };
    const t = tailAttribution([...Array.from({ length: 20 }, () => early(1, 0)), ...Array.from({ length: 4 }, () => early(10, 9000))]);
    expect(t.slowWith.preemption).toBe(0);
    // A run with an idle gap never flags its tail as the machine's: its counters hold the wait through the gap too.
    const idle = tailAttribution([...Array.from({ length: 20 }, () => step(1)), ...Array.from({ length: 4 }, () => step(10, { runQueueUs: 8000 }))], { idleGap: true });
    expect(idle.slowWith.preemption).toBe(1);
    expect(idle.mostlyPreemption).toBe(false);
  });

  it('falls back to involuntary context switches where the run-queue wait is unknown', () => {
    const unknown = (s: StepRecord): StepRecord => ({ ...s, runQueueUs: Number.NaN, ranks: s.ranks.map((r) => ({ ...r, runQueueUs: Number.NaN })) });
    const steps = [...Array.from({ length: 20 }, () => unknown(step(1))), ...Array.from({ length: 3 }, () => unknown(step(9, { involuntary: 2 })))];
    const t = tailAttribution(steps);
    expect(t.slowWith.preemption).toBe(1);
    expect(t.mostlyPreemption).toBe(true);
    expect(t.p99Without).toBe(1);
  });
});

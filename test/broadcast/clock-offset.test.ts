import { describe, expect, it } from 'vitest';
import { clockOffsetOf } from '../../src/broadcast/clock-offset.js';
import { fixedPlan } from '../../src/broadcast/sampling.js';
import { measureEmptyStep, onSchedulerClock, openRankSession } from '../../src/broadcast/session.js';
import { clockOf } from '../../src/sweep/rows.js';
import { TRANSPORT_NAMES } from '../../src/transport/types.js';

describe('clock offsets, NTP-style', () => {
  it('takes the exchange with the shortest round trip: offset from its midpoint, uncertainty half of it', () => {
    const offset = clockOffsetOf(1, [
      { sentNs: 0, rankNs: 10_900, answeredNs: 2000 },
      // The shortest round trip (400 ns): its midpoint is 5200, the rank stamped 10_300.
      { sentNs: 5000, rankNs: 10_300, answeredNs: 5400 },
      { sentNs: 9000, rankNs: 16_000, answeredNs: 12_000 },
    ]);
    expect(offset).toEqual({ rank: 1, offsetNs: 5100, uncertaintyNs: 200, exchanges: 3 });
    expect(() => clockOffsetOf(1, [])).toThrow(RangeError);
  });
});

describe('stamps on rank 0\'s clock', () => {
  const times = { rank: 1, receivedNs: 5000, decodedNs: 6000, convertedNs: 6500, readyNs: 7000, pageFaults: 3, involuntary: 0, gcMs: 0, runQueueUs: 1, verified: true };
  it('take the offset off every stamp and leave the counters alone', () => {
    expect(onSchedulerClock(times, 4000)).toEqual({ ...times, receivedNs: 1000, decodedNs: 2000, convertedNs: 2500, readyNs: 3000 });
    expect(onSchedulerClock(times, 0)).toBe(times);
  });
  it('a row keeps the newest offset, the widest uncertainty and the drift over its blocks', () => {
    const blocks = new Map([[1, [
      { rank: 1, offsetNs: 10_000, uncertaintyNs: 3000, exchanges: 8 },
      { rank: 1, offsetNs: 14_000, uncertaintyNs: 5000, exchanges: 8 },
      { rank: 1, offsetNs: 12_000, uncertaintyNs: 2000, exchanges: 8 },
    ]]]);
    expect(clockOf([{ clockBlocks: blocks }, { clockBlocks: new Map() }])).toEqual({ clock: [{ rank: 1, offsetUs: 12, uncertaintyUs: 5, driftUs: 4, blocks: 3 }] });
    expect(clockOf([{ clockBlocks: new Map() }])).toEqual({});
  });
});

describe.each(TRANSPORT_NAMES)('clock offsets over %s', (transport) => {
  it('come out within their uncertainty of zero on one host, and recover a rank clock shifted by a known amount', async () => {
    const session = await openRankSession({ transport, tp: 3 });
    try {
      for (const o of await session.clockOffsets(20)) expect(Math.abs(o.offsetNs)).toBeLessThanOrEqual(o.uncertaintyNs);
    } finally {
      await session.close();
    }
    // The test hook moves every rank's clock 10 s ahead: far beyond any transfer on a loaded machine, so a stamp left
    // on the rank's clock cannot pass for one put on rank 0's. The estimate must find it, within its uncertainty.
    const shiftNs = 10_000_000_000;
    process.env.STALLBENCH_TEST_CLOCK_SHIFT_NS = String(shiftNs);
    let shifted;
    try {
      shifted = await openRankSession({ transport, tp: 3 });
    } finally {
      delete process.env.STALLBENCH_TEST_CLOCK_SHIFT_NS;
    }
    try {
      const offsets = await shifted.clockOffsets(20);
      expect(offsets.map((o) => o.rank)).toEqual([1, 2]);
      for (const o of offsets) {
        expect(Math.abs(o.offsetNs - shiftNs)).toBeLessThanOrEqual(o.uncertaintyNs);
        expect(o.exchanges).toBe(20);
      }
      // Every later step's rank stamps are on rank 0's clock: received after the step started, not 10 s after.
      const largest = Math.max(...offsets.map((o) => o.uncertaintyNs));
      const measured = await measureEmptyStep(shifted, fixedPlan(10, 2));
      for (const step of measured.steps) {
        for (const rank of step.ranks) {
          expect(rank.receivedNs - step.startNs).toBeGreaterThan(-largest);
          expect(rank.receivedNs - step.startNs).toBeLessThan(shiftNs / 2);
        }
      }
    } finally {
      await shifted.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { clockOffsetOf } from '../../src/broadcast/clock-offset.js';
import { openRankSession } from '../../src/broadcast/session.js';
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

describe.each(TRANSPORT_NAMES)('clock offsets over %s', (transport) => {
  it('come out within their uncertainty of zero on one host, and recover a rank clock shifted by a known amount', async () => {
    const session = await openRankSession({ transport, tp: 3 });
    try {
      for (const o of await session.clockOffsets(20)) expect(Math.abs(o.offsetNs)).toBeLessThanOrEqual(o.uncertaintyNs);
    } finally {
      await session.close();
    }
    // The test hook moves every rank's clock 7 ms ahead; the estimate must find it, within its uncertainty.
    const shiftNs = 7_000_000;
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
    } finally {
      await shifted.close();
    }
  });
});

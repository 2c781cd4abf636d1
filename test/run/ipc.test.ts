import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixedPlan } from '../../src/broadcast/sampling.js';
import { benchIpc } from '../../src/run/ipc.js';
import { CodecMismatchError } from '../../src/run/gate.js';
import { leftovers } from '../broadcast/leftovers.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/codecs/${name}`, import.meta.url));

describe('benchIpc', () => {
  it('times every codec over live ranks with its floor beside it', async () => {
    const rows = await benchIpc({ tp: 2, codecs: ['msgpack'], sizes: [{ batch: 4, seqLen: 64 }], plan: fixedPlan(6, 2) });
    expect(rows).toHaveLength(1);
    const report = rows[0]?.report;
    expect(report?.stall.n).toBe(6);
    expect(report?.vsFloor).toBeCloseTo((report?.stall.p50 ?? 0) / ((report?.floors.memcpy.p50 ?? 0) + (report?.floors.emptyStep?.p50 ?? 0)), 9);
  });

  it('stops a codec that loses data before timing it, and leaves no shared memory behind', async () => {
    const before = await leftovers({ pids: [], runDir: '' });
    await expect(benchIpc({ tp: 2, codecs: [fixture('corrupting.mjs')], sizes: [{ batch: 4, seqLen: 64 }], plan: fixedPlan(6, 2) })).rejects.toBeInstanceOf(CodecMismatchError);
    expect(await leftovers({ pids: [], runDir: '' })).toEqual(before);
  });
});

import { describe, expect, it } from 'vitest';
import { fixedPlan } from '../../src/broadcast/sampling.js';
import { OptionsError, PayloadError } from '../../src/errors.js';
import { measureStall } from '../../src/run/measure-stall.js';
import { STEP_PRESETS } from '../../src/model/presets.js';
import type { Projection, StallRow } from '../../src/run/row.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';
import { generateStepSequence } from '../../src/kinds/ctx-meta/sequence.js';

const payload = generateCtxMeta({ batch: 8, seqLen: 1024, seed: 3 });
const plan = fixedPlan(12, 2);

/** The row's one projection: measureStall projects onto the TP it is asked for. */
function projection(row: StallRow): Projection {
  const [only] = row.projections;
  if (only === undefined || row.projections.length !== 1) throw new Error(`expected one projection, got ${row.projections.length}`);
  return only;
}

describe('measureStall', () => {
  it("with transport 'none': every step's parts add up to its stall, projected onto the preset of the TP asked for", async () => {
    const r = await measureStall(payload, 'msgpack', { sampling: plan, transport: 'none', verify: 'all' });
    expect(r.transport).toBe('none');
    expect(r.report.stall.n).toBe(12);
    expect(r.report.samples.stall).toHaveLength(12);
    r.report.samples.stall.forEach((stall, i) => {
      const at = (part: 'encode' | 'transfer' | 'decode' | 'convert' | 'derive'): number => r.report.samples[part][i] ?? Number.NaN;
      expect(at('encode') + at('transfer') + at('decode') + at('convert') + at('derive')).toBeCloseTo(stall, 9);
    });
    expect(r.report.parts.transfer.p50).toBe(0);
    expect(r.report.slots).toBe(8 * 1024);
    expect(r.report.batch).toBe(8);
    expect(r.report.regime).toBe('reused');
    const p = projection(r);
    expect(p.tp).toBe(4);
    expect(p.stepTime?.stepMs).toBe(STEP_PRESETS['llama-70b-tp4-h100'].stepMs);
    expect(p.low?.idleFraction).toBeCloseTo(projection(r).band.lowMs / ((p.stepTime?.stepMs ?? 0) + projection(r).band.lowMs), 12);
    expect(r.report.vsFloor).toBeCloseTo(r.report.stall.p50 / r.report.floors.memcpy.p50, 9);
    expect(r.report.floors.ringMemcpy?.n).toBeGreaterThan(0);
    expect(r.context?.node).toBe(process.versions.node);
    expect(r.report.restarts).toBe(0);
  });

  it("with transport 'ipc': measures tp=2 with a real process and projects tp=8 as a band with its basis", async () => {
    const r = await measureStall(payload, 'shm', { sampling: plan, tp: 8, stepMs: 10, overlap: true });
    expect(r.report.measuredTp).toBe(2);
    expect(r.report.floors.roundTrip?.n).toBe(20);
    expect(projection(r).band.tp).toBe(8);
    expect(projection(r).band.highMs).toBeGreaterThanOrEqual(projection(r).band.lowMs);
    expect(projection(r).band.basis).toMatch(/tp=2 measured \(12 steps/);
    expect(projection(r).band.basis).toMatch(/slowest of 7 \(the [\d.]+th percentile of the rank side over all its steps\)/);
    expect(projection(r).low?.exposedMs).toBe(Math.max(0, projection(r).band.lowMs - 10));
    expect(projection(r).stepTime?.source).toBe('given by the user');
    // Eight ranks on this machine's cores would be oversubscribed, so the band is not checked directly here.
    if ((r.context?.cores ?? 0) < 9) expect(projection(r).direct).toBeNull();
  });

  it('has no idle share for a TP without a published step time, unless given one', async () => {
    const r = await measureStall(payload, 'v8', { sampling: plan, transport: 'none', tp: 16 });
    expect(projection(r).stepTime).toBeNull();
    expect(projection(r).low).toBeNull();
    expect(projection(r).band.lowMs).toBeGreaterThan(0);
  });

  it('takes a step sequence for delta and shrinks the wire to a fraction of full', async () => {
    const sequence = generateStepSequence({ batch: 8, seqLen: 2048, steps: 14, seed: 2, finishRate: 0 });
    const full = await measureStall(sequence, 'cbor', { sampling: plan, transport: 'none', strategy: 'full' });
    const delta = await measureStall(sequence, 'cbor', { sampling: plan, transport: 'none', strategy: 'delta' });
    const noSlots = await measureStall(sequence, 'cbor', { sampling: plan, transport: 'none', strategy: 'no-slots' });
    // The median step of a delta carries only new block ids; no-slots still carries every block table.
    expect(delta.report.wireBytes).toBeLessThan(full.report.wireBytes / 50);
    expect(noSlots.report.wireBytes).toBeLessThan(full.report.wireBytes / 10);
    expect(delta.report.restarts).toBe(0);
    expect(delta.report.payloadBytes).toBeLessThan(noSlots.report.payloadBytes);
  });

  it('refuses a TP with no peers to broadcast to', async () => {
    await expect(measureStall(payload, 'v8', { sampling: plan, transport: 'none', tp: 1, stepMs: 20 })).rejects.toThrow(/tp: must be an integer in \[2/);
  });

  it('rejects invalid options with typed errors before starting anything', async () => {
    await expect(measureStall(payload, 'msgpack', { tp: 0 })).rejects.toThrow(OptionsError);
    await expect(measureStall(payload, 'msgpack', { transport: 'ipc', shmRing: { slots: 8 } })).rejects.toThrow(/shm-ring transport/);
    await expect(measureStall(payload, 'msgpack', { stepMs: -1 })).rejects.toThrow(/stepMs/);
    await expect(measureStall(payload, 'nope')).rejects.toThrow(/unknown codec/);
    await expect(measureStall(payload, 'msgpack', { strategy: 'zip' as 'full' })).rejects.toThrow(/unknown strategy/);
    await expect(measureStall(payload, 'msgpack', { regime: 'pooled' as 'reused' })).rejects.toThrow(/regime/);
    await expect(measureStall(payload, 'msgpack', { sampling: 'forever' as 'full' })).rejects.toThrow(/sampling/);
    await expect(measureStall({ ...payload, blockSize: 0 }, 'msgpack')).rejects.toThrow(PayloadError);
    await expect(measureStall([], 'msgpack')).rejects.toThrow(OptionsError);
  });
});

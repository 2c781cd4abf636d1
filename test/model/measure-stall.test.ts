import { describe, expect, it } from 'vitest';
import { OptionsError, PayloadError } from '../../src/errors.js';
import { measureStall } from '../../src/model/measure-stall.js';
import { STEP_PRESETS } from '../../src/model/presets.js';
import { generateCtxMeta } from '../../src/payload/generate.js';
import { generateStepSequence } from '../../src/payload/sequence.js';

const payload = generateCtxMeta({ batch: 8, seqLen: 1024, seed: 3 });
const quick = { timeMs: 30, broadcastSteps: 5 };

describe('measureStall', () => {
  it("with transport 'none': the stall is encode + decode + derive, projected onto the preset step", async () => {
    const r = await measureStall(payload, 'msgpack', { ...quick, transport: 'none' });
    expect(r.transport).toBe('none');
    expect(r.transportMeasurement).toBeNull();
    expect(r.stall.p50).toBeCloseTo(r.encode.p50 + r.decode.p50 + r.derive.p50, 12);
    expect(r.slots).toBe(8 * 1024);
    expect(r.batch).toBe(8);
    expect(r.projection.tp).toBe(4);
    expect(r.projection.stepMs).toBe(STEP_PRESETS['llama-70b-tp4-h100'].stepMs);
    expect(r.projection.idleFraction).toBeCloseTo(r.projection.stallMs / (r.projection.stepMs + r.projection.stallMs), 12);
    expect(r.vsMemcpy).toBeCloseTo(r.stall.p50 / r.memcpy.p50, 9);
    expect(r.context.node).toBe(process.versions.node);
  });

  it("with transport 'ipc': measures tp=2 and tp=3 with real processes and projects the requested TP from the parts", async () => {
    const r = await measureStall(payload, 'shm', { ...quick, tp: 8, stepMs: 10, overlap: true });
    const t = r.transportMeasurement;
    expect(t?.measured.map((m) => m.tp)).toEqual([2, 3]);
    expect(r.stall.p50).toBe(t?.measured[0]?.stallP50);
    expect(r.projectionBasis).toBe('projected');
    const { encodeMs, transferMs, perPeerMs, decodeMs, deriveMs } = r.parts;
    expect(r.projection.stallMs).toBeCloseTo(encodeMs + transferMs + 6 * perPeerMs + decodeMs + deriveMs, 9);
    expect(r.projection.exposedMs).toBe(Math.max(0, r.projection.stallMs - 10));
    expect(t?.measured[0]?.projectionError).toBeCloseTo(((t?.measured[0]?.projectedMs ?? 0) - r.stall.p50) / r.stall.p50, 9);
  });

  it('takes a step sequence for delta and shrinks the wire to a fraction of full', async () => {
    const sequence = generateStepSequence({ batch: 8, seqLen: 2048, steps: 6, seed: 2, finishRate: 0 });
    const full = await measureStall(sequence, 'cbor', { ...quick, transport: 'none', strategy: 'full' });
    const delta = await measureStall(sequence, 'cbor', { ...quick, transport: 'none', strategy: 'delta' });
    const noSlots = await measureStall(sequence, 'cbor', { ...quick, transport: 'none', strategy: 'no-slots' });
    // The first step's delta carries every block table; even so it is far smaller than the slots.
    expect(delta.wireBytes).toBeLessThan(full.wireBytes / 10);
    expect(noSlots.wireBytes).toBeLessThan(full.wireBytes / 10);
    expect(delta.strategy).toBe('delta');
  });

  it('reports no stall without peers', async () => {
    const r = await measureStall(payload, 'v8', { ...quick, transport: 'none', tp: 1 });
    expect(r.projection.stallMs).toBe(0);
    expect(r.projection.tokensPerSecondLost).toBe(0);
  });

  it('rejects invalid options with typed errors before starting anything', async () => {
    await expect(measureStall(payload, 'msgpack', { tp: 0 })).rejects.toThrow(OptionsError);
    await expect(measureStall(payload, 'msgpack', { stepMs: -1 })).rejects.toThrow(/stepMs/);
    await expect(measureStall(payload, 'nope')).rejects.toThrow(/unknown codec/);
    await expect(measureStall(payload, 'msgpack', { strategy: 'zip' as 'full' })).rejects.toThrow(/unknown strategy/);
    await expect(measureStall({ ...payload, blockSize: 0 }, 'msgpack')).rejects.toThrow(PayloadError);
    await expect(measureStall([], 'msgpack')).rejects.toThrow(OptionsError);
  });
});

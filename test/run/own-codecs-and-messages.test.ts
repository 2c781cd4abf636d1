import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixedPlan } from '../../src/broadcast/sampling.js';
import { generateVllmStyleMessages } from '../../src/kinds/vllm-style.js';
import { CodecMismatchError } from '../../src/run/gate.js';
import { measureStall } from '../../src/run/measure-stall.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { leftovers } from '../broadcast/leftovers.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/codecs/${name}`, import.meta.url));
const plan = fixedPlan(8, 2);

describe('measuring their engine', () => {
  it('runs a codec module in real rank processes, named by its own name', async () => {
    const r = await measureStall(generateCtxMeta({ batch: 6, seqLen: 400, seed: 1 }), fixture('json-frames.mjs'), { sampling: plan, verify: 'all', tp: 2 });
    expect(r.codec).toBe('json-frames');
    expect(r.transport).toBe('ipc');
    expect(r.report.stall.n).toBe(8);
    expect(r.report.frames).toBe(10);
  });

  it('stops a corrupting codec module before any timing, and starts no rank', async () => {
    const before = await leftovers({ pids: [], runDir: '' });
    await expect(measureStall(generateCtxMeta({ batch: 6, seqLen: 400, seed: 1 }), fixture('corrupting.mjs'), { sampling: plan })).rejects.toBeInstanceOf(CodecMismatchError);
    expect(await leftovers({ pids: [], runDir: '' })).toEqual(before);
  });

  it('measures a captured vLLM-style sequence over real processes, as captured and as generic deltas, with every step verified', async () => {
    const sequence = generateVllmStyleMessages({ batch: 16, seqLen: 512, steps: 40, seed: 2 });
    for (const codec of ['msgpack', 'cbor-boxed', 'flatbuffers', 'shm']) {
      const full = await measureStall(sequence, codec, { sampling: plan, strategy: 'full', verify: 'all', tp: 2 });
      const delta = await measureStall(sequence, codec, { sampling: plan, strategy: 'delta', verify: 'all', tp: 2 });
      expect(full.report.stall.n).toBe(8);
      expect(delta.report.restarts).toBe(0);
      // The delta leaves out what did not change: most of a scheduler output is the same from one step to the next.
      expect(delta.report.payloadBytes).toBeLessThan(full.report.payloadBytes);
      expect(full.batch).toBe(16);
      expect(full.report.slots).toBe(0);
    }
    await expect(measureStall(sequence, 'msgpack', { sampling: plan, strategy: 'no-slots' })).rejects.toThrow(/does not apply/);
  });

  it('sweeps every codec over a captured sequence, with rows shaped like the main sweep, a module codec among them', async () => {
    const messages = generateVllmStyleMessages({ batch: 8, seqLen: 128, steps: 30, seed: 3 });
    const outcome = await runSweep({
      codecs: ['json', 'msgpack', 'v8-boxed', fixture('message-msgpack.mjs')],
      strategies: ['full', 'delta'],
      batch: 8,
      seqLens: [],
      messages,
      projectTp: [4],
      transports: ['ipc'],
      finishRate: 0,
      sampling: { ...fixedPlan(6, 2), blocks: 2 },
      python: null,
    });
    expect(outcome.complete).toBe(true);
    expect(outcome.rows.map((r) => `${r.codec}/${r.strategy}`)).toEqual([
      'json/full',
      'json/delta',
      'msgpack/full',
      'msgpack/delta',
      'v8-boxed/full',
      'v8-boxed/delta',
      'my-msgpack-lists/full',
      'my-msgpack-lists/delta',
    ]);
    for (const row of outcome.rows) {
      expect(row.sequence).toBe(messages.source);
      expect(row.seqLen).toBe(0);
      expect(row.report.stall.n).toBe(6);
      expect(row.projections[0]?.band.lowMs).toBeGreaterThan(0);
    }
    expect(outcome.rows.find((r) => r.codec === 'my-msgpack-lists')?.codecModule).toBe(fixture('message-msgpack.mjs'));
    expect(outcome.reference).toEqual([]);
  });
});

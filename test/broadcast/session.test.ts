import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Push } from 'zeromq';
import { describe, expect, it } from 'vitest';
import { fixedPlan } from '../../src/broadcast/sampling.js';
import { openRankSession } from '../../src/broadcast/session.js';
import { packControl } from '../../src/broadcast/protocol.js';
import { arraySource, generatedSource } from '../../src/kinds/ctx-meta/source.js';
import { generateStepSequence } from '../../src/kinds/ctx-meta/sequence.js';
import { TRANSPORT_NAMES } from '../../src/transport/types.js';
import { leftovers } from './leftovers.js';

describe.each(TRANSPORT_NAMES)('a rank session over %s', (transport) => {
  it('measures one configuration after another on the same rank processes, each verified on every step', async () => {
    const session = await openRankSession({ tp: 3, transport });
    const info = { pids: session.pids, runDir: session.runDir };
    try {
      // Long enough that a block's re-warm on a loaded machine (cold first steps) cannot wrap the source into a restart.
      const source = generatedSource({ batch: 4, seqLen: 40, steps: 40, blockSize: 4, seed: 3, finishRate: 0.1 });
      for (const [codec, strategy] of [['msgpack', 'full'], ['shm', 'delta'], ['cbor-boxed', 'no-slots'], ['flatbuffers', 'delta']] as const) {
        const m = await session.measure({ codec, strategy, source, plan: fixedPlan(10, 3), verifyEvery: 1 });
        expect(m.codec).toBe(codec);
        expect(m.steps).toHaveLength(10);
        expect(m.restarts).toBe(0);
        expect(m.warmup.steps).toBe(3);
        expect(m.steps.every((s) => s.ranks.length === 2 && s.ranks.every((k) => k.verified === true))).toBe(true);
        // The measured steps start the source again from its first step, whatever warm-up did.
        expect(m.steps.map((s) => s.restart)).toEqual(Array(10).fill(false));
        // Every process counted its cycle of each step, for the tail's attribution: preemptions, GC, run-queue wait.
        for (const counted of m.steps.flatMap((s) => [s, ...s.ranks])) {
          expect(counted.involuntary).toBeGreaterThanOrEqual(0);
          expect(counted.gcMs).toBeGreaterThanOrEqual(0);
          if (existsSync('/proc/self/schedstat')) expect(counted.runQueueUs).toBeGreaterThanOrEqual(0);
        }
      }
      expect(session.pids).toEqual(info.pids);
    } finally {
      await session.close();
    }
    expect(await leftovers(info)).toEqual([]);
  });

  it('records the regime that ran: reused where the codec writes into given memory, fresh where its library allocates', async () => {
    const session = await openRankSession({ tp: 2, transport });
    try {
      const source = arraySource(generateStepSequence({ batch: 2, seqLen: 64, steps: 4, seed: 1, finishRate: 0 }));
      const reused = await session.measure({ codec: 'msgpack', strategy: 'full', source, plan: fixedPlan(3, 0), regime: 'reused' });
      const library = await session.measure({ codec: 'json', strategy: 'full', source, plan: fixedPlan(3, 0), regime: 'reused' });
      const fresh = await session.measure({ codec: 'flatbuffers', strategy: 'full', source, plan: fixedPlan(3, 0), regime: 'fresh' });
      expect([reused.regime, library.regime, fresh.regime]).toEqual(['reused', 'fresh', 'fresh']);
    } finally {
      await session.close();
    }
  });

  it('reports a rank that fails to configure (an unknown codec) as RankFailedError and cleans up', async () => {
    const session = await openRankSession({ tp: 2, transport });
    const info = { pids: session.pids, runDir: session.runDir };
    const source = generatedSource({ batch: 2, seqLen: 16, steps: 5, seed: 2, finishRate: 0 });
    await expect(session.measure({ codec: 'nope', strategy: 'full', source, plan: fixedPlan(2, 0) })).rejects.toThrow(/unknown codec 'nope'/);
    await session.close();
    expect(await leftovers(info)).toEqual([]);
  });
});

describe('a rank session over ipc', () => {

  // Only ZeroMQ has an endpoint a foreign process can connect to; the ring's regions are 0600 and named per run.
  it('ignores answers from a process that does not hold the run token, and counts them', async () => {
    const session = await openRankSession({ tp: 2 });
    const info = { pids: session.pids, runDir: session.runDir };
    // linger > 0: the intruder's queued frames are delivered even though it closes right after sending.
    const intruder = new Push({ linger: 2000 });
    try {
      intruder.connect(`ipc://${join(session.runDir, 'acks')}`);
      const forged = (step: number) =>
        packControl({ token: 'f'.repeat(32), rank: 1, kind: 'step', config: 1, step, receivedNs: 0, decodedNs: 0, convertedNs: 0, readyNs: 0, pageFaults: 0, verified: true, error: null });
      for (let step = 0; step < 20; step++) await intruder.send(forged(step));
      const source = generatedSource({ batch: 2, seqLen: 16, steps: 30, seed: 2, finishRate: 0 });
      // Waits for the condition, not a guessed time: measure until the forged answers have been read and refused.
      let rejected = 0;
      for (let round = 0; round < 50 && rejected === 0; round++) {
        const m = await session.measure({ codec: 'msgpack', strategy: 'full', source, plan: fixedPlan(5, 0), verifyEvery: 1 });
        rejected += m.rejectedFrames;
        expect(m.steps.every((s) => s.ranks[0]?.verified === true && s.ranks[0].readyNs > 0)).toBe(true);
      }
      expect(rejected).toBeGreaterThan(0);
    } finally {
      intruder.close();
      await session.close();
    }
    expect(await leftovers(info)).toEqual([]);
  });
});

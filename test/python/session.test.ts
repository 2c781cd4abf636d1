import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criticalPath } from '../../src/broadcast/parts.js';
import { fixedPlan } from '../../src/broadcast/sampling.js';
import type { StepRecord } from '../../src/broadcast/session.js';
import { OptionsError } from '../../src/errors.js';
import { messageKind } from '../../src/kinds/captured.js';
import { EMPTY_KIND } from '../../src/kinds/empty.js';
import { generateStepSequence } from '../../src/kinds/ctx-meta/sequence.js';
import { messageByteLength } from '../../src/message/size.js';
import { arraySource } from '../../src/kinds/ctx-meta/source.js';
import type { CtxMeta } from '../../src/kinds/ctx-meta/types.js';
import { PYTHON_CODEC_NAMES } from '../../src/python/codecs.js';
import { checkPythonRoundTrip, openPythonSession, type PythonSession } from '../../src/python/session.js';
import { createSchedulerSide } from '../../src/kinds/ctx-meta/strategies.js';
import type { StrategyName } from '../../src/kinds/strategy.js';
import { leftovers } from '../broadcast/leftovers.js';
import { found, python } from './interpreter.js';

const STRATEGIES: readonly StrategyName[] = ['full', 'no-slots', 'delta', 'new-slots'];
// Requests finish and prefill (numNewTokens > 1) often enough that every strategy meets new requests mid-sequence.
const sequence: CtxMeta[] = generateStepSequence({ batch: 6, seqLen: { kind: 'uniform', min: 1, max: 120 }, steps: 16, blockSize: 4, finishRate: 0.2, seed: 4 });

/** Content bytes of what the TypeScript scheduler side puts on the wire for each step of `steps`. */
function wireBytes(strategy: StrategyName, steps: readonly CtxMeta[]): number[] {
  const side = createSchedulerSide(strategy);
  return steps.map((step, i) => messageByteLength(side.wire(step, i === 0)));
}

/** Every stamp in order on one clock, and the parts of the critical path adding up to the stall. */
function expectWellFormed(step: StepRecord, tp: number): void {
  expect(step.ranks.map((k) => k.rank)).toEqual(Array.from({ length: tp - 1 }, (_, i) => i + 1));
  expect(step.encodedNs).toBeGreaterThanOrEqual(step.startNs);
  expect(step.sentNs).toBeGreaterThanOrEqual(step.encodedNs);
  for (const k of step.ranks) {
    expect(k.verified).toBe(true);
    // The rank's clock and the scheduler's are one: it receives after the scheduler has encoded.
    expect(k.receivedNs).toBeGreaterThan(step.encodedNs);
    expect(k.decodedNs).toBeGreaterThanOrEqual(k.receivedNs);
    expect(k.convertedNs).toBeGreaterThanOrEqual(k.decodedNs);
    expect(k.readyNs).toBeGreaterThanOrEqual(k.convertedNs);
  }
  // Every Python process counted its cycle of the step: preemptions, GC and (where Linux says) its run-queue wait.
  for (const counted of [step, ...step.ranks]) {
    expect(counted.involuntary).toBeGreaterThanOrEqual(0);
    expect(counted.gcMs).toBeGreaterThanOrEqual(0);
    if (existsSync('/proc/self/schedstat')) expect(counted.runQueueUs).toBeGreaterThanOrEqual(0);
  }
  const parts = criticalPath(step);
  expect(parts.encode + parts.transfer + parts.decode + parts.convert + parts.derive).toBeCloseTo(parts.stall, 9);
  expect(parts.stall).toBeGreaterThan(0);
}

describe.skipIf(found.info === null)('a Python session: the Python scheduler and ranks over real processes', () => {
  let session: PythonSession;
  let info = { pids: [] as number[], runDir: '' };
  beforeAll(async () => {
    session = await openPythonSession({ tp: 2, python: python(), onStart: (i) => void (info = i) });
  });
  afterAll(async () => {
    await session.close();
    expect(await leftovers(info)).toEqual([]);
  });

  it('says what it runs, and the ping round trip passes through the ranks', async () => {
    expect(session.runtime).toBe('python');
    expect(session.python.executable).toBe(python());
    expect(session.python.version).toMatch(/^3\.\d+/);
    expect(session.pids).toEqual(info.pids);
    expect(session.pids).toHaveLength(2);
    const trips = await session.pingRoundTrips(5);
    expect(trips).toHaveLength(5);
    expect(trips.every((t) => t > 0)).toBe(true);
  });

  describe.each(PYTHON_CODEC_NAMES)('codec %s', (codec) => {
    it.each(STRATEGIES)('strategy %s: every step verified, stamps in order, parts adding up to the stall', async (strategy) => {
      const m = await session.measure({ codec, strategy, source: arraySource(sequence), plan: fixedPlan(12, 0), verifyEvery: 1 });
      expect(m.codec).toBe(codec);
      expect(m.regime).toBe('fresh');
      expect(m.steps).toHaveLength(12);
      expect(m.restarts).toBe(0);
      for (const step of m.steps) expectWellFormed(step, 2);
      // With no warm-up the measured steps are the source's steps 1..12 (step 0 starts the sequence): the Python
      // scheduler put on the wire exactly what the TypeScript one would have.
      const bytes = wireBytes(strategy, sequence);
      expect(m.steps.map((s) => s.payloadBytes)).toEqual(m.steps.map((s) => bytes[s.step]));
      expect(new Set(m.steps.map((s) => s.frames))).toEqual(new Set([codec === 'pickle' || codec === 'msgpack' ? 1 : 10]));
    });
  });

  it('restarts a sequence when the source runs out: the rank drops its delta state, and every step still verifies', async () => {
    const m = await session.measure({ codec: 'pickle', strategy: 'delta', source: arraySource(sequence.slice(0, 5)), plan: fixedPlan(20, 3), verifyEvery: 1 });
    expect(m.steps).toHaveLength(20);
    expect(m.restarts).toBeGreaterThan(0);
    expect(m.steps.every((s) => !s.restart && s.ranks.every((k) => k.verified === true))).toBe(true);
  });

  it('interleaves blocks of two runs on the same processes, configuring them again for each', async () => {
    const a = await session.start({ codec: 'msgpack-numpy', strategy: 'delta', source: arraySource(sequence), verifyEvery: 1 });
    const b = await session.start({ codec: 'pickle-oob', strategy: 'no-slots', source: arraySource(sequence), verifyEvery: 1 });
    for (let block = 0; block < 3; block++) {
      for (const run of [a, b]) {
        const got = await run.block({ want: 3, budgetMs: Number.POSITIVE_INFINITY, minTake: 3 });
        expect(got.steps).toHaveLength(3);
        // A block after another run's begins with a restart, which is run (and verified) but not sampled.
        expect(got.rewarmSteps).toBe(1);
        expect(got.steps.every((s) => s.ranks.every((k) => k.verified === true))).toBe(true);
      }
    }
    a.suspend();
    b.suspend();
  });

  it('gates a run before it is timed: every step of the gate checked on every rank', async () => {
    expect(await checkPythonRoundTrip(session, { codec: 'pickle-oob', strategy: 'delta', source: arraySource(sequence) }, 8)).toEqual({ checked: 9 });
    expect(await checkPythonRoundTrip(session, { codec: 'pickle', strategy: 'full', source: arraySource(sequence.slice(0, 3)) })).toEqual({ checked: 3 });
  });

  it('refuses what Python ranks cannot run before any step, without taking the session down', async () => {
    const source = arraySource(sequence);
    await expect(session.start({ codec: 'cbor', strategy: 'full', source })).rejects.toThrow(OptionsError);
    await expect(session.start({ codec: 'pickle', strategy: 'full', source, kind: EMPTY_KIND })).rejects.toThrow(/'pickle' does not carry the empty message/);
    await expect(session.start({ codec: './no/such/codec.py', strategy: 'full', source })).rejects.toThrow(/no Python codec module at/);
    await expect(session.start({ codec: 'pickle', strategy: 'no-slots', source, kind: messageKind({}) })).rejects.toThrow(/'no-slots' does not apply to captured messages; use full or delta/);
    await expect(session.start({ codec: 'pickle', strategy: 'full', source, fault: { kind: 'stale-descriptor', rank: 1, step: 1 } })).rejects.toThrow(OptionsError);
    const m = await session.measure({ codec: 'pickle', strategy: 'full', source, plan: fixedPlan(2, 0) });
    expect(m.steps).toHaveLength(2);
  });
});

describe.skipIf(found.info === null)('a Python session at tp=3', () => {
  it('has every rank verify every step, over each codec', async () => {
    let info = { pids: [] as number[], runDir: '' };
    const session = await openPythonSession({ tp: 3, python: python(), onStart: (i) => void (info = i) });
    try {
      expect(session.pids).toHaveLength(3);
      for (const [codec, strategy] of [['pickle', 'full'], ['pickle-oob', 'delta'], ['msgpack-numpy', 'no-slots']] as const) {
        const m = await session.measure({ codec, strategy, source: arraySource(sequence), plan: fixedPlan(8, 2), verifyEvery: 1 });
        expect(m.steps).toHaveLength(8);
        for (const step of m.steps) expectWellFormed(step, 3);
      }
    } finally {
      await session.close();
    }
    expect(await leftovers(info)).toEqual([]);
  });
});

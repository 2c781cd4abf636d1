import { describe, expect, it } from 'vitest';
import { OptionsError, PayloadError } from '../../src/errors.js';
import { runBroadcast, type BroadcastOptions } from '../../src/run/broadcast.js';
import { BroadcastAbortedError, RankFailedError } from '../../src/broadcast/errors.js';
import { INJECTED_CRASH_EXIT_CODE } from '../../src/broadcast/faults.js';
import { criticalPath } from '../../src/broadcast/parts.js';
import { broadcastTrace } from '../../src/broadcast/trace.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';
import { generateStepSequence } from '../../src/kinds/ctx-meta/sequence.js';
import { TRANSPORT_NAMES, type TransportName } from '../../src/transport/types.js';
import { leftovers } from '../broadcast/leftovers.js';

const payloads = [0, 1, 2].map((i) => ({ ...generateCtxMeta({ batch: 4, seqLen: { kind: 'uniform', min: 1, max: 300 }, seed: i }), stepId: i }));

async function run(options: Partial<BroadcastOptions> & Pick<BroadcastOptions, 'codec'>) {
  let info = { pids: [] as number[], runDir: '' };
  const onStart: BroadcastOptions['onStart'] = (i) => {
    info = i;
    return options.onStart?.(i);
  };
  const result = await runBroadcast({ payloads, steps: 6, warmup: 1, pings: 3, ...options, onStart }).then(
    (value) => ({ value, error: null }),
    (error: unknown) => ({ value: null, error }),
  );
  return { ...result, info, left: await leftovers(info) };
}

describe.each(TRANSPORT_NAMES)('runBroadcast across real processes over %s', (transport) => {
  it.each([
    ['msgpack', 2],
    ['flatbuffers', 3],
    ['shm', 2],
    ['shm', 3],
    ['json', 3],
  ] as const)('%s with tp=%i: every rank decodes and verifies every step, and nothing is left behind', async (codec, tp) => {
    const { value, error, left, info } = await run({ transport, codec, tp });
    expect(error).toBeNull();
    expect(left).toEqual([]);
    expect(info.pids).toHaveLength(tp - 1);
    if (value === null) throw new Error('no result');
    const r = value;
    expect(r.steps).toHaveLength(6);
    expect(r.report.rejectedFrames).toBe(0);
    expect(r.report.oversubscribed).toBe(tp > r.cores);
    if (codec === 'shm') expect(r.report.shmBackend).toBe('posix-mmap');
    for (const step of r.steps) {
      // Three payloads wrap around: the step after each wrap is a labelled restart, never a measured sample.
      expect(step.restart).toBe(false);
      expect(step.ranks.map((k) => k.rank)).toEqual(Array.from({ length: tp - 1 }, (_, i) => i + 1));
      expect(step.ranks.every((k) => k.verified === true)).toBe(true);
      expect(step.encodedNs).toBeGreaterThanOrEqual(step.startNs);
      for (const k of step.ranks) {
        // One clock for all processes: a rank receives after rank 0 encodes, and its stamps never run backwards.
        expect(k.receivedNs).toBeGreaterThan(step.encodedNs);
        expect(k.decodedNs).toBeGreaterThanOrEqual(k.receivedNs);
        expect(k.convertedNs).toBeGreaterThanOrEqual(k.decodedNs);
        expect(k.readyNs).toBeGreaterThanOrEqual(k.convertedNs);
      }
    }
    expect(r.report.stall.n).toBe(6);
    expect(r.report.stall.p99IsMax).toBe(true);
    expect(r.report.stall.ci95[0]).toBeLessThanOrEqual(r.report.stall.p50);
    expect(r.report.stall.ci95[1]).toBeGreaterThanOrEqual(r.report.stall.p50);
    expect(r.report.floors.roundTrip?.n).toBe(3);
  });

  it.each([
    ['delta', 'shm'],
    ['delta', 'msgpack-boxed'],
    ['no-slots', 'cbor'],
    ['new-slots', 'flatbuffers'],
  ] as const)('strategy %s over %s: every rank rebuilds every step exactly, with its rank-side work timed', async (strategy, codec) => {
    const sequence = generateStepSequence({ batch: 6, seqLen: { kind: 'uniform', min: 1, max: 120 }, steps: 9, blockSize: 4, finishRate: 0.2, seed: 4 });
    const { value, error, left } = await run({ transport, codec, tp: 3, strategy, payloads: sequence, steps: 20, warmup: 0 });
    expect(error).toBeNull();
    expect(left).toEqual([]);
    expect(value?.strategy).toBe(strategy);
    expect(value?.steps.every((s) => s.ranks.every((k) => k.verified === true && k.readyNs >= k.convertedNs))).toBe(true);
    // 20 samples from a 9-step sequence: the wraps are restarts, run but not sampled.
    expect(value?.steps).toHaveLength(20);
    expect(value?.report.restarts).toBe(2);
    expect(value?.report.parts.derive.n).toBe(20);
  });

  it('reports a crashed rank with its exit code and step, and cleans up', async () => {
    const { error, left } = await run({ transport, codec: 'msgpack', tp: 3, fault: { kind: 'crash', rank: 2, step: 3 } });
    expect(error).toBeInstanceOf(RankFailedError);
    expect(error).toMatchObject({ rank: 2, step: 3, exitCode: INJECTED_CRASH_EXIT_CODE });
    expect(left).toEqual([]);
  });

  it('reports a rank killed by a signal', async () => {
    const { error, left } = await run({ transport, codec: 'shm', tp: 2, fault: { kind: 'kill', rank: 1, step: 2 } });
    expect(error).toMatchObject({ name: 'RankFailedError', rank: 1, step: 2, signal: 'SIGKILL' });
    expect(left).toEqual([]);
  });

  it('reports a hung rank after the timeout', async () => {
    const { error, left } = await run({ transport, codec: 'cbor', tp: 3, timeoutMs: 800, fault: { kind: 'hang', rank: 1, step: 2 } });
    expect(error).toMatchObject({ name: 'RankFailedError', rank: 1, step: 2 });
    expect((error as Error).message).toMatch(/no step answer within 800 ms/);
    expect(left).toEqual([]);
  });

  it('makes a rank refuse a stale shm descriptor', async () => {
    const { error, left } = await run({ transport, codec: 'shm', tp: 2, steps: 8, fault: { kind: 'stale-descriptor', rank: 0, step: 7 } });
    expect(error).toBeInstanceOf(RankFailedError);
    expect((error as Error).message).toMatch(/stale descriptor/);
    expect(left).toEqual([]);
  });

  it('stops on an AbortSignal with BroadcastAbortedError and cleans up', async () => {
    const controller = new AbortController();
    const { error, left } = await run({
      transport,
      codec: 'shm',
      tp: 3,
      steps: 1_000_000,
      onStart: () => void setTimeout(() => controller.abort('user pressed Ctrl-C'), 300),
      signal: controller.signal,
    });
    expect(error).toBeInstanceOf(BroadcastAbortedError);
    expect((error as Error).message).toMatch(/Ctrl-C/);
    expect(left).toEqual([]);
  });
});

describe('runBroadcast across real processes', () => {
  it('the parts of each step add up to its stall, along the slowest rank', async () => {
    const { value, error } = await run({ codec: 'msgpack-boxed', tp: 3, steps: 8 });
    expect(error).toBeNull();
    for (const step of value?.steps ?? []) {
      const p = criticalPath(step);
      expect(p.encode + p.transfer + p.decode + p.convert + p.derive).toBeCloseTo(p.stall, 9);
      expect(p.stall).toBeCloseTo((Math.max(...step.ranks.map((k) => k.readyNs)) - step.startNs) / 1e6, 9);
      // A boxed codec's lists become arrays on the rank, inside the timed span.
      expect(p.convert).toBeGreaterThan(0);
    }
  });

  it('refuses delta over payloads that are not one consecutive sequence', async () => {
    const [a, , c] = payloads;
    if (a === undefined || c === undefined) throw new Error('payloads');
    await expect(runBroadcast({ codec: 'msgpack', strategy: 'delta', payloads: [a, c] })).rejects.toThrow(/consecutive/);
  });

  it('builds a Chrome trace with one track per rank and every phase, derive included', async () => {
    const { value, error } = await run({ codec: 'v8', tp: 3, steps: 3 });
    expect(error).toBeNull();
    const events = broadcastTrace(value?.steps ?? [], { label: 'v8 full', tp: 3 }).traceEvents;
    expect(events.filter((e) => e.name === 'thread_name').map((e) => e.tid)).toEqual([0, 1, 2]);
    for (const phase of ['decode', 'convert', 'derive', 'transfer']) expect(events.filter((e) => e.name === phase && e.ph === 'X')).toHaveLength(3 * 2);
    expect(events.filter((e) => e.name === 'encode' && e.tid === 0)).toHaveLength(3);
  });

  it('rejects invalid options before starting any process', async () => {
    await expect(runBroadcast({ codec: 'msgpack', tp: 1, payloads })).rejects.toThrow(OptionsError);
    await expect(runBroadcast({ codec: 'nope', payloads })).rejects.toThrow(/unknown codec/);
    await expect(runBroadcast({ codec: 'msgpack', payloads: [] })).rejects.toThrow(OptionsError);
    await expect(runBroadcast({ codec: 'msgpack', steps: 0, payloads })).rejects.toThrow(OptionsError);
    await expect(runBroadcast({ codec: 'msgpack', payloads, transport: 'udp' as TransportName })).rejects.toThrow(/unknown transport 'udp'/);
    const bad = { ...generateCtxMeta({ batch: 2, seqLen: 8 }), blockSize: 0 };
    await expect(runBroadcast({ codec: 'msgpack', payloads: [bad, bad] })).rejects.toThrow(PayloadError);
    await expect(runBroadcast({ codec: 'msgpack', payloads: payloads.slice(0, 1) })).rejects.toThrow(/at least 2 payloads/);
  });
});

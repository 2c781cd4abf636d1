import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Push } from 'zeromq';
import { describe, expect, it } from 'vitest';
import { OptionsError, PayloadError } from '../../src/errors.js';
import { runBroadcast, type BroadcastOptions } from '../../src/ipc/broadcast.js';
import { BroadcastAbortedError, RankFailedError } from '../../src/ipc/errors.js';
import { INJECTED_CRASH_EXIT_CODE } from '../../src/ipc/faults.js';
import { packControl } from '../../src/ipc/protocol.js';
import { generateCtxMeta } from '../../src/payload/generate.js';
import { generateStepSequence } from '../../src/payload/sequence.js';
import { leftovers } from './leftovers.js';

const payloads = [0, 1, 2].map((i) => ({ ...generateCtxMeta({ batch: 4, seqLen: { kind: 'uniform', min: 1, max: 300 }, seed: i }), stepId: i }));

async function run(options: Partial<BroadcastOptions> & Pick<BroadcastOptions, 'codec'>) {
  let info = { pids: [] as number[], runDir: '' };
  const onStart: BroadcastOptions['onStart'] = (i) => {
    info = i;
    options.onStart?.(i);
  };
  const result = await runBroadcast({ payloads, steps: 6, warmup: 1, pings: 3, ...options, onStart }).then(
    (value) => ({ value, error: null }),
    (error: unknown) => ({ value: null, error }),
  );
  return { ...result, info, left: await leftovers(info) };
}

describe('runBroadcast across real processes', () => {
  it.each([
    ['msgpack', 2],
    ['flatbuffers', 3],
    ['shm', 2],
    ['shm', 3],
    ['json', 3],
  ] as const)('%s with tp=%i: every rank decodes and verifies every step, and nothing is left behind', async (codec, tp) => {
    const { value, error, left, info } = await run({ codec, tp });
    expect(error).toBeNull();
    expect(left).toEqual([]);
    expect(info.pids).toHaveLength(tp - 1);
    if (value === null) throw new Error('no result');
    const r = value;
    expect(r.steps).toHaveLength(6);
    expect(r.rejectedFrames).toBe(0);
    expect(r.oversubscribed).toBe(tp > r.cores);
    if (codec === 'shm') expect(r.shmBackend).toBe('posix-mmap');
    for (const step of r.steps) {
      expect(step.ranks.map((k) => k.rank)).toEqual(Array.from({ length: tp - 1 }, (_, i) => i + 1));
      expect(step.ranks.every((k) => k.verified === true)).toBe(true);
      expect(step.encodedNs).toBeGreaterThanOrEqual(step.startNs);
      for (const k of step.ranks) {
        // One clock for all processes: a rank receives after rank 0 encodes, and is ready after it receives.
        expect(k.receivedNs).toBeGreaterThan(step.encodedNs);
        expect(k.readyNs).toBeGreaterThanOrEqual(k.receivedNs);
      }
    }
    expect(r.stepStall.p50).toBeGreaterThan(0);
    expect(r.stepStall.samples).toBe(6);
    expect(r.stepStall.p99).toBeGreaterThanOrEqual(r.decode.p50);
    expect(r.roundTrip.samples).toBe(3);
  });

  it.each([
    ['delta', 'shm'],
    ['delta', 'msgpack-boxed'],
    ['no-slots', 'cbor'],
    ['new-slots', 'flatbuffers'],
  ] as const)('strategy %s over %s: every rank rebuilds every step exactly, with its rank-side work timed', async (strategy, codec) => {
    const sequence = generateStepSequence({ batch: 6, seqLen: { kind: 'uniform', min: 1, max: 120 }, steps: 9, blockSize: 4, finishRate: 0.2, seed: 4 });
    const { value, error, left } = await run({ codec, tp: 3, strategy, payloads: sequence, steps: 20, warmup: 0 });
    expect(error).toBeNull();
    expect(left).toEqual([]);
    expect(value?.strategy).toBe(strategy);
    expect(value?.steps.every((s) => s.ranks.every((k) => k.verified === true && k.readyNs >= k.decodedNs))).toBe(true);
    expect(value?.derive.samples).toBe(40);
  });

  it('refuses delta over payloads that are not one consecutive sequence', async () => {
    const [a, , c] = payloads;
    if (a === undefined || c === undefined) throw new Error('payloads');
    await expect(runBroadcast({ codec: 'msgpack', strategy: 'delta', payloads: [a, c] })).rejects.toThrow(/consecutive/);
  });

  it('reports a crashed rank with its exit code and step, and cleans up', async () => {
    const started = Date.now();
    const { error, left } = await run({ codec: 'msgpack', tp: 3, fault: { kind: 'crash', rank: 2, step: 3 } });
    expect(error).toBeInstanceOf(RankFailedError);
    expect(error).toMatchObject({ rank: 2, step: 3, exitCode: INJECTED_CRASH_EXIT_CODE });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(left).toEqual([]);
  });

  it('reports a rank killed by a signal', async () => {
    const { error, left } = await run({ codec: 'shm', tp: 2, fault: { kind: 'kill', rank: 1, step: 2 } });
    expect(error).toMatchObject({ name: 'RankFailedError', rank: 1, step: 2, signal: 'SIGKILL' });
    expect(left).toEqual([]);
  });

  it('reports a hung rank within the timeout', async () => {
    const started = Date.now();
    const { error, left } = await run({ codec: 'cbor', tp: 3, timeoutMs: 800, fault: { kind: 'hang', rank: 1, step: 2 } });
    expect(error).toMatchObject({ name: 'RankFailedError', rank: 1, step: 2 });
    expect((error as Error).message).toMatch(/no step answer/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(left).toEqual([]);
  });

  it('makes a rank refuse a stale shm descriptor', async () => {
    const { error, left } = await run({ codec: 'shm', tp: 2, steps: 8, fault: { kind: 'stale-descriptor', rank: 0, step: 7 } });
    expect(error).toBeInstanceOf(RankFailedError);
    expect((error as Error).message).toMatch(/stale descriptor/);
    expect(left).toEqual([]);
  });

  it('ignores answers from a process that does not hold the run token', async () => {
    let forged: Promise<void> = Promise.resolve();
    const { value, error, left } = await run({
      codec: 'msgpack',
      tp: 2,
      steps: 40,
      onStart: ({ runDir }) => {
        forged = (async () => {
          const intruder = new Push({ linger: 0 });
          intruder.connect(`ipc://${join(runDir, 'acks')}`);
          for (let step = 0; step < 41; step++) {
            const ack = { token: 'f'.repeat(32), rank: 1, kind: 'step', step, receivedNs: 0, decodedNs: 0, readyNs: 0, verified: true, error: null } as const;
            await intruder.send(packControl(ack));
          }
          intruder.close();
        })();
      },
    });
    await forged;
    expect(error).toBeNull();
    expect(value?.rejectedFrames).toBeGreaterThan(0);
    expect(value?.steps.every((s) => s.ranks[0]?.verified === true && s.ranks[0].readyNs > 0)).toBe(true);
    expect(left).toEqual([]);
  });

  it('writes a Chrome trace with one track per rank', async () => {
    const trace = join(tmpdir(), `stallbench-trace-${process.pid}.json`);
    const { error } = await run({ codec: 'v8', tp: 3, steps: 3, trace });
    expect(error).toBeNull();
    const events = (JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: { name: string; tid: number; ph: string }[] }).traceEvents;
    rmSync(trace);
    expect(events.filter((e) => e.name === 'thread_name').map((e) => e.tid)).toEqual([0, 1, 2]);
    expect(events.filter((e) => e.name === 'decode' && e.ph === 'X').length).toBe(3 * 2);
    expect(events.filter((e) => e.name === 'encode' && e.tid === 0).length).toBe(3);
  });

  it('stops on an AbortSignal with BroadcastAbortedError and cleans up', async () => {
    const controller = new AbortController();
    const { error, left } = await run({
      codec: 'shm',
      tp: 3,
      steps: 1_000_000,
      onStart: () => setTimeout(() => controller.abort('user pressed Ctrl-C'), 300),
      signal: controller.signal,
    });
    expect(error).toBeInstanceOf(BroadcastAbortedError);
    expect((error as Error).message).toMatch(/Ctrl-C/);
    expect(left).toEqual([]);
  });

  it('rejects invalid options before starting any process', async () => {
    await expect(runBroadcast({ codec: 'msgpack', tp: 1, payloads })).rejects.toThrow(OptionsError);
    await expect(runBroadcast({ codec: 'nope' as 'msgpack', payloads })).rejects.toThrow(/unknown codec/);
    await expect(runBroadcast({ codec: 'msgpack', payloads: [] })).rejects.toThrow(OptionsError);
    await expect(runBroadcast({ codec: 'msgpack', steps: 0, payloads })).rejects.toThrow(OptionsError);
    const bad = { ...generateCtxMeta({ batch: 2, seqLen: 8 }), blockSize: 0 };
    await expect(runBroadcast({ codec: 'msgpack', payloads: [bad] })).rejects.toThrow(PayloadError);
  });
});

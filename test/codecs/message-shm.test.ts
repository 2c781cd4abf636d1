import { readdirSync } from 'node:fs';
import { Packr, Unpackr } from 'msgpackr';
import { afterEach, describe, expect, it } from 'vitest';
import { DecodeError, ShmBusyError } from '../../src/errors.js';
import { createShmCodec, type ShmCodec } from '../../src/codecs/shm.js';
import { diffMessages } from '../../src/message/equal.js';
import { generateVllmStyleMessages } from '../../src/kinds/vllm-style.js';

const open: ShmCodec[] = [];
const codec = (options: Parameters<typeof createShmCodec>[0] = {}): ShmCodec => {
  const c = createShmCodec(options);
  open.push(c);
  return c;
};
afterEach(() => open.splice(0).forEach((c) => c.dispose?.()));

const { messages } = generateVllmStyleMessages({ batch: 8, seqLen: 256, steps: 4, seed: 2 });
const step = (i: number) => messages[i] ?? {};
const ours = (): string[] => readdirSync('/dev/shm').filter((f) => f.startsWith(`stallbench-${process.pid}-`));

describe('shm message codec', () => {
  it.each(['posix-mmap', 'devshm-file'] as const)('round-trips every dtype through the %s backend', (backend) => {
    const c = codec({ backend });
    const m = { a: Int8Array.of(-1), b: Float64Array.of(-0, NaN), c: [Uint16Array.of(65535), 'x'], d: { e: Uint32Array.of(2 ** 32 - 1), f: -0 } };
    expect(diffMessages(m, c.decode(c.encode(m)))).toBeNull();
    expect(diffMessages(step(0), c.decode(c.encode(step(0))))).toBeNull();
  });

  it('keeps arrays out of the frame and decodes zero-copy views with the posix backend', () => {
    const c = codec({ backend: 'posix-mmap' });
    const frame = c.encode(step(0))[0] ?? new Uint8Array();
    const decoded = c.decode([frame]);
    const prompt = ((decoded.scheduled_new_reqs as Record<string, unknown>[])[0]?.prompt_token_ids ?? new Int32Array()) as Int32Array;
    // A view shares the region's buffer: its buffer is far larger than the array itself.
    expect(prompt.buffer.byteLength).toBeGreaterThan(prompt.byteLength);
    // Prompts 16 times longer leave the descriptor (structure, ids, lengths) the same size.
    const long = generateVllmStyleMessages({ batch: 8, seqLen: 4096, steps: 1, seed: 2 }).messages[0] ?? {};
    expect(Math.abs((c.encode(long)[0]?.byteLength ?? 0) - frame.byteLength)).toBeLessThan(16);
  });

  it('rejects a stale descriptor and never overwrites a slot a reader holds', () => {
    const writer = codec({ slots: 2, readers: 1 });
    const reader = codec({ readerIndex: 0 });
    const first = writer.encode(step(0));
    reader.decode(first);
    reader.decode(writer.encode(step(1)));
    writer.encode(step(2));
    expect(() => reader.decode(first)).toThrow(/stale descriptor/);
    expect(() => writer.encode(step(3))).toThrow(ShmBusyError);
    reader.release();
    expect(() => writer.encode(step(3))).not.toThrow();
  });

  it('rejects descriptors whose structure or lengths do not add up', () => {
    const c = codec();
    const [frame] = c.encode(step(1));
    const d = new Unpackr({ mapsAsObjects: true }).unpack(frame ?? new Uint8Array()) as Record<string, unknown>;
    const pack = (x: Record<string, unknown>) => [new Packr({ useRecords: false }).pack(x)];
    expect(() => c.decode(pack({ ...d, region: '/etc-passwd' }))).toThrow(DecodeError);
    expect(() => c.decode(pack({ ...d, lengths: Buffer.from(Uint32Array.of(...new Array((d.dtypes as Uint8Array).length).fill(0x7fffffff)).buffer) }))).toThrow(/slot holds/);
    expect(() => c.decode(pack({ ...d, dtypes: Buffer.from([9]) }))).toThrow(/dtypes for|unknown dtype/);
    expect(() => c.decode(pack({ ...d, keys: (d.keys as string[]).slice(1) }))).toThrow(DecodeError);
    expect(() => c.decode(pack({ ...d, counts: Buffer.from([1, 2, 3]) }))).toThrow(/not whole uint32/);
  });

  it('unlinks its region on dispose', () => {
    const c = createShmCodec();
    c.encode(step(0));
    expect(ours()).toHaveLength(1);
    c.dispose?.();
    expect(ours()).toHaveLength(0);
  });
});

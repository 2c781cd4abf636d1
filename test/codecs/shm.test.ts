import type { CtxMeta } from '../../src/kinds/ctx-meta/types.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { Packr, Unpackr } from 'msgpackr';
import { afterEach, describe, expect, it } from 'vitest';
import { createShmCodec, type ShmCodec } from '../../src/codecs/shm.js';
import { shmPath } from '../../src/shm/region.js';
import { DecodeError, OptionsError, ShmBusyError } from '../../src/errors.js';
import { diffMessages } from '../../src/message/equal.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';

const open: ShmCodec[] = [];
const codec = (options: Parameters<typeof createShmCodec>[0] = {}): ShmCodec => {
  const c = createShmCodec(options);
  open.push(c);
  return c;
};
afterEach(() => open.splice(0).forEach((c) => c.dispose?.()));

const step = (stepId: number, seqLen = 64) => ({ ...generateCtxMeta({ batch: 4, seqLen, seed: stepId }), stepId });
const ours = (): string[] => readdirSync('/dev/shm').filter((f) => f.startsWith(`stallbench-${process.pid}-`));

describe('shm codec', () => {
  it.each(['posix-mmap', 'devshm-file'] as const)('round-trips through the %s backend', (backend) => {
    const c = codec({ backend });
    expect(c.backend).toBe(backend);
    const p = step(1);
    expect(diffMessages(p, c.decode(c.encode(p)) as CtxMeta)).toBeNull();
  });

  it('decodes zero-copy views into the shared region with the posix backend', () => {
    const c = codec({ backend: 'posix-mmap' });
    const p = step(2, 4096);
    const decoded = c.decode(c.encode(p)) as CtxMeta;
    const frameBytes = c.encode(p)[0]?.byteLength ?? 0;
    expect(frameBytes).toBeLessThan(2048);
    // A view shares the region's buffer: its buffer is far larger than the array itself.
    expect(decoded.slotMapping.buffer.byteLength).toBeGreaterThan(decoded.slotMapping.byteLength);
  });

  it('rejects a stale descriptor whose slot has been rewritten', () => {
    const c = codec({ slots: 2 });
    const first = c.encode(step(1));
    c.encode(step(2));
    c.encode(step(3)); // generation 3 reuses generation 1's slot in a ring of two
    expect(() => c.decode(first)).toThrow(/stale descriptor/);
  });

  it('never overwrites a slot a reader has not released', () => {
    const writer = codec({ slots: 2, readers: 1 });
    const reader = codec({ readerIndex: 0 });
    const a = reader.decode(writer.encode(step(1)));
    reader.decode(writer.encode(step(2)));
    // Slot of step 1 was released when the reader decoded step 2; step 2's slot is still held.
    writer.encode(step(3));
    expect(a.stepId).toBe(1);
    expect(() => writer.encode(step(4))).toThrow(ShmBusyError);
    reader.release();
    expect(() => writer.encode(step(4))).not.toThrow();
  });

  it('grows into a new region when a payload outgrows the slot, and unlinks the old one', () => {
    const c = codec();
    c.encode(step(1, 16));
    const small = c.regionName;
    const big = step(2, 8192);
    expect(diffMessages(big, c.decode(c.encode(big)) as CtxMeta)).toBeNull();
    expect(c.regionName).not.toBe(small);
    expect(existsSync(shmPath(small ?? ''))).toBe(false);
  });

  it.each(['posix-mmap', 'devshm-file'] as const)('lets a reader holding a slot follow the writer into a grown region (%s)', (backend) => {
    const writer = codec({ backend, slots: 2, readers: 1 });
    const reader = codec({ backend, readerIndex: 0 });
    reader.decode(writer.encode(step(1, 16)));
    const big = step(2, 8192);
    // The reader still holds step 1's slot in the old region when it attaches the new one.
    expect(diffMessages(big, reader.decode(writer.encode(big)) as CtxMeta)).toBeNull();
    reader.release();
    expect(() => writer.encode(step(3, 8192))).not.toThrow();
  });

  it('rejects descriptors that name foreign regions or absurd lengths', () => {
    const c = codec();
    const [frame] = c.encode(step(1));
    const descriptor = new Unpackr({ mapsAsObjects: true }).unpack(frame ?? new Uint8Array()) as Record<string, unknown>;
    const pack = (d: Record<string, unknown>) => [new Packr({ useRecords: false }).pack(d)];
    expect(() => c.decode(pack({ ...descriptor, region: '/etc-passwd' }))).toThrow(DecodeError);
    expect(() => c.decode(pack({ ...descriptor, region: `/stallbench-1-000000000000` }))).toThrow(/does not exist/);
    // The descriptor's column lengths are little-endian uint32s: an absurd one is refused before any read.
    expect(() => c.decode(pack({ ...descriptor, lengths: new Uint8Array(Uint32Array.from([1, 1, 1, 1, 1, 1, 1, 1, 0x7fffffff]).buffer) }))).toThrow(/slot holds/);
    expect(() => c.decode(pack({ ...descriptor, slot: 999 }))).toThrow(/outside a ring/);
  });

  it('unlinks its region on dispose', () => {
    const c = createShmCodec();
    c.encode(step(1));
    expect(ours()).toHaveLength(1);
    c.dispose?.();
    expect(ours()).toHaveLength(0);
  });

  it('leaves nothing in /dev/shm when a process exits without disposing', () => {
    const script = `
      import { createShmCodec } from './src/codecs/shm.ts';
      import { generateCtxMeta } from './src/kinds/ctx-meta/generate.ts';
      const c = createShmCodec();
      c.encode(generateCtxMeta({ batch: 2, seqLen: 32 }));
      console.log(c.regionName);`;
    const name = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
    expect(name).toMatch(/^\/stallbench-\d+-[0-9a-f]{12}$/);
    expect(existsSync(shmPath(name))).toBe(false);
  });

  it('rejects invalid options', () => {
    expect(() => createShmCodec({ slots: 0 })).toThrow(OptionsError);
    expect(() => createShmCodec({ readers: -1 })).toThrow(OptionsError);
  });
});

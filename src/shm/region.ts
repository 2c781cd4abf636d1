import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Which shared-memory mechanism carries the arrays: mmap'd POSIX shm (zero copy) or a /dev/shm file read with read(2) (two copies). */
export type ShmBackendKind = 'posix-mmap' | 'devshm-file';

/** A named shared region: small control words plus bulk bytes. */
export interface ShmRegion {
  readonly name: string;
  readonly byteLength: number;
  /** The mapping itself where the backend maps memory (zero-copy views, Atomics), null for the file backend. */
  readonly bytes: Buffer | null;
  loadU32(offset: number): number;
  storeU32(offset: number, value: number): void;
  write(offset: number, bytes: Uint8Array): void;
  /** A typed array over [offset, offset + length elements): a view where the backend maps memory, a copy otherwise. */
  read(ctor: typeof Int32Array | typeof Float32Array, offset: number, length: number): Int32Array | Float32Array;
  /** Drops this process's handle; when no region of this name is left open, the mapping goes (views into it must be dead). */
  close(): void;
}

/** Creates and attaches regions of one kind. */
export interface ShmBackend {
  readonly kind: ShmBackendKind;
  create(name: string, byteLength: number): ShmRegion;
  /** Returns null when no region of that name exists. */
  attach(name: string): ShmRegion | null;
}

interface ShmTypedArrayModule {
  create(count: number, typeKey: 'Buffer', key: string, perm: string): Buffer | null;
  get(key: string, typeKey: 'Buffer'): Buffer | null;
  detach(key: string, forceDestroy: boolean): number;
}

/** Path of a POSIX shm object on Linux, where shm_open names live under /dev/shm. */
export function shmPath(name: string): string {
  return `/dev/shm${name}`;
}

/** Removes a region's name; processes that mapped it keep their mapping. */
export function unlinkRegion(name: string): void {
  rmSync(shmPath(name), { force: true });
}

const created = new Set<string>();
let exitHookInstalled = false;

/** A fresh region name, `/stallbench-<pid>-<12 hex>`, that the exit hook unlinks unless `forgetRegion` comes first. */
export function newRegionName(): string {
  const name = `/stallbench-${process.pid}-${randomBytes(6).toString('hex')}`;
  if (!exitHookInstalled) {
    process.once('exit', unlinkAllShmRegions);
    exitHookInstalled = true;
  }
  created.add(name);
  return name;
}

/** Unlinks a region this process named and drops it from the exit hook's list. */
export function forgetRegion(name: string): void {
  unlinkRegion(name);
  created.delete(name);
}

/** Unlinks every region this process created and has not disposed; for exit and signal handlers. */
export function unlinkAllShmRegions(): void {
  for (const name of created) unlinkRegion(name);
  created.clear();
}

function mappedRegion(name: string, buffer: Buffer, unmap: () => void): ShmRegion {
  const words = new Uint32Array(buffer.buffer, buffer.byteOffset, Math.floor(buffer.byteLength / 4));
  let closed = false;
  return {
    name,
    byteLength: buffer.byteLength,
    bytes: buffer,
    loadU32: (offset) => Atomics.load(words, offset / 4),
    storeU32: (offset, value) => void Atomics.store(words, offset / 4, value),
    write: (offset, bytes) => buffer.set(bytes, offset),
    read: (ctor, offset, length) => new ctor(buffer.buffer as ArrayBuffer, buffer.byteOffset + offset, length),
    close: () => {
      if (closed) return;
      closed = true;
      unmap();
    },
  };
}

function loadShmTypedArray(): ShmTypedArrayModule | null {
  try {
    return createRequire(import.meta.url)('shm-typed-array') as ShmTypedArrayModule;
  } catch {
    return null;
  }
}

/**
 * Every mapping this process holds, by name, with how many regions use it. The addon's own bookkeeping is fragile: its
 * garbage-collection finalizer unmaps a *copy* of its record, so the record stays "mapped" and its exit handler unmaps
 * that address a second time — memory that may belong to something else by then (a crash at exit). So a mapping is held
 * strongly here until the last region using it closes, and then detached explicitly, which clears the addon's record;
 * one mapping per name also keeps a second mapping's finalizer from unmapping memory the first still uses.
 */
const mappings = new Map<string, { buffer: Buffer; refs: number }>();

/** How many shared-memory mappings this process holds through the posix backend; for tests of cleanup. */
export function heldMappingCount(): number {
  return mappings.size;
}

/** Zero-copy backend: shm_open + mmap through the shm-typed-array native addon. */
export function createPosixBackend(): ShmBackend | null {
  const shm = loadShmTypedArray();
  if (shm === null) return null;
  const use = (name: string, buffer: Buffer): ShmRegion => {
    const mapping = mappings.get(name) ?? { buffer, refs: 0 };
    mapping.refs++;
    mappings.set(name, mapping);
    return mappedRegion(name, mapping.buffer, () => {
      mapping.refs--;
      if (mapping.refs > 0) return;
      mappings.delete(name);
      // Unmaps now: no view into this region may be used after its last region closes.
      shm.detach(name, false);
    });
  };
  return {
    kind: 'posix-mmap',
    create: (name, byteLength) => {
      const buffer = shm.create(byteLength, 'Buffer', name, '600');
      if (buffer === null) throw new Error(`shared memory ${name} already exists`);
      return use(name, buffer);
    },
    attach: (name) => {
      const held = mappings.get(name);
      if (held !== undefined) return use(name, held.buffer);
      const buffer = shm.get(name, 'Buffer');
      return buffer === null ? null : use(name, buffer);
    },
  };
}

function fileRegion(name: string, fd: number, byteLength: number): ShmRegion {
  const word = Buffer.alloc(4);
  return {
    name,
    byteLength,
    bytes: null,
    loadU32: (offset) => {
      readSync(fd, word, 0, 4, offset);
      return word.readUInt32LE(0);
    },
    storeU32: (offset, value) => {
      word.writeUInt32LE(value >>> 0, 0);
      writeSync(fd, word, 0, 4, offset);
    },
    write: (offset, bytes) => void writeSync(fd, bytes, 0, bytes.byteLength, offset),
    read: (ctor, offset, length) => {
      const out = new ctor(length);
      readSync(fd, new Uint8Array(out.buffer), 0, length * ctor.BYTES_PER_ELEMENT, offset);
      return out;
    },
    close: () => closeSync(fd),
  };
}

/** Portable backend without native code: a file in /dev/shm written with write(2) and read with read(2). */
export function createFileBackend(): ShmBackend {
  return {
    kind: 'devshm-file',
    create: (name, byteLength) => {
      const fd = openSync(shmPath(name), 'wx+', 0o600);
      ftruncateSync(fd, byteLength);
      return fileRegion(name, fd, byteLength);
    },
    attach: (name) => {
      try {
        const fd = openSync(shmPath(name), 'r+');
        return fileRegion(name, fd, fstatSync(fd).size);
      } catch {
        return null;
      }
    },
  };
}

import { availableParallelism } from 'node:os';
import type { FrameLease } from '../codecs/frame-pool.js';
import { createPosixBackend, forgetRegion, newRegionName, type ShmBackend } from '../shm/region.js';
import { OptionsError } from '../errors.js';
import { requireInt } from '../options.js';
import { ShmRingError, TransportClosedError } from './errors.js';
import { MAX_RING_FRAMES, readRegionHeader, regionByteLength, ringAt, wordsOf, writeRegionHeader, type RingGeometry } from './shm-ring-layout.js';
import { createOverflowAttachments, createOverflowRegions, type MappedRegion } from './shm-ring-overflow.js';
import { createRingReader, type RingReader } from './shm-ring-reader.js';
import { createRingWriter, type WriterStats } from './shm-ring-writer.js';
import { defaultWaitPolicy, resolveWaitPolicy, spinGraceOf, spinUntil, turn, waitUntil, type WaitPolicy } from './shm-ring-wait.js';
import type { RankTransport, SchedulerTransport, ShmRingAddress } from './types.js';

/** Options of the shm-ring transport. */
export interface ShmRingOptions {
  /** Messages in flight before the scheduler waits for a slot. @default 4 */
  slots?: number;
  /** Bytes per step slot, its frame table included; a larger message overflows into its slot's own region. @default 1 MiB */
  slotBytes?: number;
  /** Most frames one step message may have. @default 64 */
  maxFrames?: number;
  /** Answers in flight per rank. @default 4 */
  ackSlots?: number;
  /** Bytes per answer slot; answers have no overflow, so a larger one is refused with ShmRingError. @default 16 KiB */
  ackSlotBytes?: number;
  /** How every end waits. @default defaultWaitPolicy(ranks + 1, cores) */
  wait?: Partial<WaitPolicy>;
}

/** Throws OptionsError when shm-ring options are given to a run where no shm-ring transport (or no session of its own) runs. */
export function checkShmRingOptionsUse(shmRing: ShmRingOptions | undefined, transports: readonly string[], ownSession = true): void {
  if (shmRing === undefined) return;
  if (!transports.includes('shm-ring')) throw new OptionsError('shmRing', 'applies only where the shm-ring transport runs');
  if (!ownSession) throw new OptionsError('shmRing', 'a session passed in was opened with its own; give shmRing to openRankSession');
}

/** The scheduler's end of a shm-ring, with what it knows beyond SchedulerTransport. */
export interface ShmRingScheduler extends SchedulerTransport {
  readonly address: ShmRingAddress;
  lease(): FrameLease | null;
  /** Steps sent, and how many of their frames went without a copy. */
  readonly stats: Readonly<WriterStats>;
  /** Frame bytes one step slot holds before a message overflows. */
  readonly slotCapacity: number;
}

function mappingBackend(): ShmBackend {
  const backend = createPosixBackend();
  if (backend === null) throw new ShmRingError('needs the shm-typed-array addon to map shared memory, and it did not load');
  return backend;
}

function createRegion(backend: ShmBackend, geometry: RingGeometry, rings: number): MappedRegion {
  const name = newRegionName();
  const region = backend.create(name, regionByteLength(geometry, rings));
  const bytes = region.bytes;
  if (bytes === null) {
    forgetRegion(name);
    region.close();
    throw new ShmRingError(`backend ${backend.kind} cannot map ${name}`);
  }
  writeRegionHeader(wordsOf(bytes), geometry, rings);
  return { name, bytes, unmap: () => region.close() };
}

function attachRegion(backend: ShmBackend, name: string): MappedRegion & { geometry: RingGeometry; rings: number } {
  const region = backend.attach(name);
  const bytes = region?.bytes ?? null;
  if (region === null || bytes === null) {
    region?.close();
    throw new ShmRingError(`region ${name} does not exist`);
  }
  try {
    return { name, bytes, unmap: () => region.close(), ...readRegionHeader(name, bytes) };
  } catch (error) {
    region.close();
    throw error;
  }
}

const geometryOf = (slots: number, readers: number, slotBytes: number, maxFrames: number, prefix: string): RingGeometry => {
  if (slotBytes % 64 !== 0) throw new OptionsError(`${prefix}Bytes`, 'must be a multiple of 64');
  return { slots, readers, slotBytes, maxFrames };
};

/** Creates the steps ring (one reader per rank) and one answer lane per rank, all in this process's shared memory (mode 0600). */
export function openShmRingScheduler(ranks: number, sendTimeoutMs: number, options: ShmRingOptions = {}): ShmRingScheduler {
  requireInt('ranks', ranks, 1, 1024);
  const maxFrames = requireInt('maxFrames', options.maxFrames ?? 64, 1, MAX_RING_FRAMES);
  const steps = geometryOf(requireInt('slots', options.slots ?? 4, 2, 1024), ranks, requireInt('slotBytes', options.slotBytes ?? 1 << 20, 4096, 1 << 30), maxFrames, 'slot');
  const lanes = geometryOf(requireInt('ackSlots', options.ackSlots ?? 4, 2, 1024), 1, requireInt('ackSlotBytes', options.ackSlotBytes ?? 16 << 10, 1024, 1 << 24), 1, 'ackSlot');
  const policy = resolveWaitPolicy(options.wait ?? {}, defaultWaitPolicy(ranks + 1, availableParallelism()));
  const backend = mappingBackend();
  const stepsRegion = createRegion(backend, steps, 1);
  let acksRegion: MappedRegion;
  try {
    acksRegion = createRegion(backend, lanes, ranks);
  } catch (error) {
    forgetRegion(stepsRegion.name);
    stepsRegion.unmap();
    throw error;
  }
  let closed = false;
  const isClosed = (): boolean => closed;
  const stepsLayout = ringAt(steps, 0);
  const writer = createRingWriter({
    bytes: stepsRegion.bytes,
    words: wordsOf(stepsRegion.bytes),
    layout: stepsLayout,
    overflow: createOverflowRegions(steps.slots, backend),
    policy,
  });
  const acksWords = wordsOf(acksRegion.bytes);
  const readers: RingReader[] = Array.from({ length: ranks }, (_, lane) =>
    createRingReader({ bytes: acksRegion.bytes, words: acksWords, layout: ringAt(lanes, lane), reader: 0, overflow: null }),
  );
  let held: RingReader | null = null;
  let lastActive = performance.now();
  const grace = spinGraceOf(policy);
  let next = 0;
  let picked: RingReader | null = null;
  // Looks at every lane, starting after the one answered last, so one busy rank cannot hide the others.
  const anyReady = (): boolean => {
    for (let k = 0; k < readers.length; k++) {
      const lane = readers[(next + k) % readers.length] as RingReader;
      if (lane.ready()) {
        picked = lane;
        next = (next + k + 1) % readers.length;
        return true;
      }
    }
    return false;
  };
  return {
    name: 'shm-ring',
    address: { transport: 'shm-ring', steps: stepsRegion.name, acks: acksRegion.name, wait: policy },
    stats: writer.stats,
    slotCapacity: stepsLayout.capacity,
    lease: () => writer.lease(),
    send: (frames) => writer.send(frames, sendTimeoutMs),
    receive: async (timeoutMs) => {
      if (closed) throw new TransportClosedError('receive');
      held?.release();
      held = null;
      if (!(await waitUntil(anyReady, timeoutMs, { ...policy, spinUs: grace.us() }, { cancelled: isClosed, lastActive })) || picked === null) return null;
      const lane: RingReader = picked;
      held = lane;
      lastActive = performance.now();
      grace.heard();
      return lane.take()[0] ?? new Uint8Array(0);
    },
    close: () => {
      if (closed) return;
      closed = true;
      writer.close();
      forgetRegion(stepsRegion.name);
      forgetRegion(acksRegion.name);
      // Unmapped too: an unlinked region stays resident (and counts against /dev/shm) for as long as it is mapped.
      stepsRegion.unmap();
      acksRegion.unmap();
    },
  };
}

/** A rank's end of a shm-ring: each message's frames are Buffer views into shared memory, valid until the next receive. */
export interface ShmRingRank extends RankTransport {
  receive(): Promise<Buffer[] | null>;
  receiveNow(): Buffer[] | null;
  spinning(): boolean;
}

/** Attaches rank `rank` (1..ranks) to the scheduler's rings: reader `rank - 1` of the steps ring, writer of answer lane `rank - 1`. */
export function connectShmRingRank(address: ShmRingAddress, idleTimeoutMs: number, rank: number): ShmRingRank {
  const backend = mappingBackend();
  const steps = attachRegion(backend, address.steps);
  let acks: ReturnType<typeof attachRegion>;
  try {
    acks = attachRegion(backend, address.acks);
  } catch (error) {
    steps.unmap();
    throw error;
  }
  if (rank < 1 || rank > steps.geometry.readers || rank > acks.rings) {
    steps.unmap();
    acks.unmap();
    throw new ShmRingError(`rank ${rank} has no place in a ring of ${steps.geometry.readers} readers`);
  }
  const policy = address.wait;
  const grace = spinGraceOf(policy);
  // The spin of the wait in progress, fixed when it starts.
  let spinUs = policy.spinUs;
  const overflow = createOverflowAttachments(steps.geometry.slots, backend);
  const reader = createRingReader({
    bytes: steps.bytes,
    words: wordsOf(steps.bytes),
    layout: ringAt(steps.geometry, 0),
    reader: rank - 1,
    overflow,
  });
  const answers = createRingWriter({ bytes: acks.bytes, words: wordsOf(acks.bytes), layout: ringAt(acks.geometry, rank - 1), overflow: null, policy });
  let closed = false;
  let lastActive = performance.now();
  // Stamped at the next call rather than on arrival, so the clock read is not between a message and its receiver.
  let heard = false;
  // Spin already spent on the message awaited, so a receive after receiveNow does not spin it again.
  let spunUs = 0;
  // When the wait for the next message began: the idle timeout runs from here, spin included.
  let waitStart: number | null = null;
  const waitedMs = (): number => performance.now() - (waitStart ?? performance.now());
  const isClosed = (): boolean => closed;
  const next = (): void => {
    if (closed) throw new TransportClosedError('receive');
    if (heard) lastActive = performance.now();
    heard = false;
    if (waitStart === null) {
      waitStart = performance.now();
      spinUs = grace.us();
    }
    // The views of the message before are no longer in use: its slot goes back to the writer.
    reader.release();
  };
  const taken = (): Buffer[] => {
    heard = true;
    spunUs = 0;
    waitStart = null;
    grace.heard();
    return reader.take();
  };
  return {
    receiveNow: () => {
      next();
      // What is left of the spin, at most yieldEveryMs of it: a rank spinning here still hears a signal or a lost parent in time.
      const budgetUs = Math.max(0, Math.min(spinUs - spunUs, policy.yieldEveryMs * 1000));
      if (!spinUntil(reader.ready, budgetUs)) {
        spunUs += budgetUs;
        return null;
      }
      return taken();
    },
    spinning: () => !closed && spunUs < spinUs && waitedMs() < idleTimeoutMs,
    receive: async () => {
      next();
      // After a spin in receiveNow the event loop gets its turn before this wait blocks the thread again.
      if (spunUs > 0) await turn();
      const wait = { ...policy, spinUs: Math.max(0, spinUs - spunUs) };
      if (!(await waitUntil(reader.ready, Math.max(0, idleTimeoutMs - waitedMs()), wait, { cancelled: isClosed, lastActive }))) return null;
      return taken();
    },
    send: (frame) => answers.send([frame], idleTimeoutMs),
    close: () => {
      if (closed) return;
      closed = true;
      reader.release();
      answers.close();
      // No view of a message may be used after close: the rank's mappings go with it.
      overflow.close();
      steps.unmap();
      acks.unmap();
    },
  };
}

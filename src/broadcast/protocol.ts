import type { CodecCallError } from '../errors.js';
import { Packr, Unpackr } from 'msgpackr';
import type { KindSpec } from '../kinds/types.js';
import type { StrategyName } from '../kinds/strategy.js';
import type { FaultInjection } from './faults.js';

/** What a rank runs for one configuration: its codec, the strategy's rank side and how often it verifies. */
export interface RankConfiguration {
  /** Numbers configurations within a session, so answers to an old one are never taken for the current one. */
  id: number;
  /** Which messages the steps carry. */
  kind: KindSpec;
  /** A built-in codec's name, or the absolute path of a codec module the rank imports. */
  codec: string;
  strategy: StrategyName;
  /** Readers of the shm codec's ring: the ranks of the session. */
  readers: number;
  fault: FaultInjection | null;
}

/**
 * What rank 0 sends ahead of a step's frames, or alone, as a msgpack map; Node ranks get a step's header in the fixed
 * layout of step-header.ts instead (the Python scheduler hands its steps on as these maps).
 */
export type Command =
  | { kind: 'configure'; token: string; config: RankConfiguration }
  | { kind: 'ping'; token: string; step: number }
  | {
      kind: 'step';
      token: string;
      config: number;
      /** Step index within the configuration, counting warm-up steps. */
      step: number;
      /** True when this step starts a new sequence: the rank drops its strategy state first. */
      restart: boolean;
      /** Fingerprint of the step view, for steps the rank verifies; empty otherwise. */
      check: string;
    }
  | { kind: 'stop'; token: string };

/** What a rank sends back: its own clock stamps (CLOCK_MONOTONIC ns), or why it failed. */
export interface Ack {
  token: string;
  rank: number;
  kind: 'hello' | 'configured' | 'ping' | 'step';
  /** The configuration id for 'configured' and 'step'; 0 otherwise. */
  config: number;
  step: number;
  receivedNs: number;
  /** The codec's decode returned. */
  decodedNs: number;
  /** The payload is in the form the rank launches from (typed arrays); equal to decodedNs for columnar codecs. */
  convertedNs: number;
  /** The strategy's rank-side work is done: the rank could launch its CUDA graph. Stamped from the clock. */
  readyNs: number;
  /** Minor page faults the rank took over the step's whole cycle (answer to answer, verification included). */
  pageFaults: number;
  /** Steps: involuntary context switches the process took over the same cycle (preemptions: a core taken from it). */
  involuntary?: number;
  /** Steps: the process's garbage-collection time over the same cycle, ms. */
  gcMs?: number;
  /** Steps: how long its main thread waited on a run queue (runnable, without a core) over the same cycle, µs; absent where unknown. */
  runQueueUs?: number;
  /** Fingerprint check: true, false, or null when the step was not verified. */
  verified: boolean | null;
  error: string | null;
  /** Pings: the user + system CPU time the answering process has used so far, µs. */
  cpuUs?: number;
  /** Python ranks: the user's codec module and the call of it that failed (the error then says how). */
  userCode?: { codec: string; call: CodecCallError['call'] | 'replay' } | null;
}

const packr = new Packr({ useRecords: false });
// Python ranks stamp the clock as ints, which msgpack packs as uint64: read them as numbers (exact below 2^53).
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/** Monotonic clock in nanoseconds as a plain number (exact for ~104 days of uptime). */
export const nowNs = (): number => Number(process.hrtime.bigint());

/** Encodes a command or ack (or another control map carrying the run token) as one small msgpack frame. */
export function packControl<T extends { token: string }>(message: T): Uint8Array {
  return packr.pack(message);
}

/** Decodes a control frame; returns null for anything that is not a map carrying `token`. */
export function unpackControl(frame: Uint8Array | undefined): Record<string, unknown> | null {
  if (frame === undefined) return null;
  try {
    const value = unpackr.unpack(frame) as unknown;
    return typeof value === 'object' && value !== null && 'token' in value ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

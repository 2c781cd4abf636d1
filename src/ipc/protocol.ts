import { Packr, Unpackr } from 'msgpackr';

/** What rank 0 sends ahead of the codec's frames. */
export interface StepHeader {
  kind: 'ping' | 'step' | 'stop';
  token: string;
  step: number;
  /** Fingerprint of the payload, for ranks that verify this step; empty when not verified. */
  check: string;
}

/** What a rank sends back once it holds a usable payload (or failed to). */
export interface Ack {
  token: string;
  rank: number;
  kind: 'hello' | 'ping' | 'step';
  step: number;
  /** CLOCK_MONOTONIC nanoseconds, comparable across processes on one host. */
  receivedNs: number;
  /** Decode done; readyNs adds the strategy's rank-side work (derive slots, apply a delta). */
  decodedNs: number;
  readyNs: number;
  /** Fingerprint check: true, false, or null when the step was not verified. */
  verified: boolean | null;
  error: string | null;
}

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** Monotonic clock in nanoseconds as a plain number (exact for ~104 days of uptime). */
export const nowNs = (): number => Number(process.hrtime.bigint());

/** Encodes a header or ack as one small msgpack frame. */
export function packControl(message: StepHeader | Ack): Uint8Array {
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

import type { StepRecord } from './records.js';

/** The parts of a step's critical path, in the order they happen. */
export const PART_NAMES = ['encode', 'transfer', 'decode', 'convert', 'derive'] as const;

/** Name of one part of the critical path. */
export type PartName = (typeof PART_NAMES)[number];

/** One step's stall and its parts along the critical path, ms; the parts add up to the stall. */
export type StepParts = Record<PartName | 'stall', number>;

const ms = (ns: number): number => ns / 1e6;

/**
 * The step's parts on its slowest rank, whose ready time is the stall: encode (rank 0), transfer (encode done →
 * received, the send included), decode, convert (to arrays) and derive (the strategy's rank side).
 */
export function criticalPath(record: StepRecord): StepParts {
  let slowest = record.ranks[0];
  for (const rank of record.ranks) if (slowest === undefined || rank.readyNs > slowest.readyNs) slowest = rank;
  if (slowest === undefined) throw new Error(`step ${record.step} has no rank answers`);
  return {
    stall: ms(slowest.readyNs - record.startNs),
    encode: ms(record.encodedNs - record.startNs),
    transfer: ms(slowest.receivedNs - record.encodedNs),
    decode: ms(slowest.decodedNs - slowest.receivedNs),
    convert: ms(slowest.convertedNs - slowest.decodedNs),
    derive: ms(slowest.readyNs - slowest.convertedNs),
  };
}

/** Every rank's time from encode done to ready in every step, ms: what a projection draws the slowest of N − 1 ranks from. */
export function rankSideTimes(records: readonly StepRecord[]): number[] {
  return records.flatMap((r) => r.ranks.map((k) => ms(k.readyNs - r.encodedNs)));
}

/** Per-part sample lists over the steps, in step order. */
export function partSamples(records: readonly StepRecord[]): Record<PartName | 'stall', number[]> {
  const out: Record<PartName | 'stall', number[]> = { stall: [], encode: [], transfer: [], decode: [], convert: [], derive: [] };
  for (const record of records) {
    const parts = criticalPath(record);
    for (const key of Object.keys(out) as (PartName | 'stall')[]) out[key].push(parts[key]);
  }
  return out;
}

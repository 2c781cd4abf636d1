import { withSlotCoverage } from './slots.js';
import type { CtxMeta } from './types.js';
import { DeltaState, deltaOf } from './delta.js';
import { deriveNewSlots, payloadOfView, Reusable, type LaunchView } from './launch-view.js';
import type { StrategyName } from '../strategy.js';
import type { SchedulerSide } from '../types.js';

/**
 * A rank's side of a CtxMeta strategy: turns each decoded wire payload into what the rank launches from — block tables
 * for every request and the slots of the tokens computed this step — in buffers it reuses, doing work proportional to
 * what changed. Stateful for 'delta'.
 */
export interface RankSide {
  apply(wire: CtxMeta): LaunchView;
  /** The launch view as a packed CtxMeta (the step view), for verification after the clock stops. */
  payloadOf(view: LaunchView): CtxMeta;
  /** Forgets what earlier steps left (a delta's per-request tables): the next step starts a new sequence. */
  reset(): void;
}

/** What the scheduler sends for each step of a sequence (computed before any timing: the scheduler's bookkeeping, not serialization). */
export function wirePayloads(strategy: StrategyName, steps: readonly CtxMeta[]): CtxMeta[] {
  const side = createSchedulerSide(strategy);
  return steps.map((step, i) => side.wire(step, i === 0));
}

/** Creates the scheduler's side of a strategy; its bookkeeping runs before a step's clock starts. */
export function createSchedulerSide(strategy: StrategyName): SchedulerSide<CtxMeta> {
  switch (strategy) {
    case 'full':
      return { wire: (step) => withSlotCoverage(step, 'full') };
    case 'new-slots':
      return { wire: (step) => withSlotCoverage(step, 'new') };
    case 'no-slots':
      return { wire: (step) => withSlotCoverage(step, 'none') };
    case 'delta': {
      let previous: CtxMeta | null = null;
      return {
        wire: (step, restart) => {
          const delta = deltaOf(restart ? null : previous, step);
          previous = step;
          return delta;
        },
      };
    }
  }
}

/** What a rank launches from for a step: the full step with only the new tokens' slots. */
export function stepView(step: CtxMeta): CtxMeta {
  return withSlotCoverage(step, 'new');
}

/** Each request's CSR block table as (start, length), into reusable buffers. */
function csrTables(wire: CtxMeta, starts: Reusable, lengths: Reusable): Pick<LaunchView, 'tableStarts' | 'tableLengths' | 'tables'> {
  const batch = wire.reqIds.length;
  const tableStarts = starts.take(batch);
  const tableLengths = lengths.take(batch);
  for (let i = 0; i < batch; i++) {
    tableStarts[i] = wire.blockTableOffsets[i] ?? 0;
    tableLengths[i] = (wire.blockTableOffsets[i + 1] ?? 0) - (wire.blockTableOffsets[i] ?? 0);
  }
  return { tableStarts, tableLengths, tables: wire.blockTables };
}

/** Copies the new tokens' slots out of a payload that carries every context token's slot: O(batch + new tokens). */
function newSlotsFromFull(wire: CtxMeta, offsetsBuffer: Reusable, slotsBuffer: Reusable): { slotOffsets: Int32Array; slotMapping: Int32Array } {
  const batch = wire.reqIds.length;
  const slotOffsets = offsetsBuffer.take(batch + 1);
  slotOffsets[0] = 0;
  for (let i = 0; i < batch; i++) slotOffsets[i + 1] = (slotOffsets[i] ?? 0) + (wire.numNewTokens[i] ?? 0);
  const slotMapping = slotsBuffer.take(slotOffsets[batch] ?? 0);
  for (let i = 0; i < batch; i++) {
    const end = wire.slotOffsets[i + 1] ?? 0;
    slotMapping.set(wire.slotMapping.subarray(end - (wire.numNewTokens[i] ?? 0), end), slotOffsets[i]);
  }
  return { slotOffsets, slotMapping };
}

/** Creates a rank's side of a strategy; its work is timed on the rank as `derive` and counted in the stall. */
export function createRankSide(strategy: StrategyName): RankSide {
  const starts = new Reusable();
  const lengths = new Reusable();
  const offsets = new Reusable();
  const slots = new Reusable();
  const side = (apply: (wire: CtxMeta) => LaunchView, reset: () => void = () => undefined): RankSide => ({ apply, payloadOf: payloadOfView, reset });
  switch (strategy) {
    case 'full':
      return side((wire) => ({ step: wire, ...csrTables(wire, starts, lengths), ...newSlotsFromFull(wire, offsets, slots) }));
    case 'new-slots':
      return side((wire) => ({ step: wire, ...csrTables(wire, starts, lengths), slotOffsets: wire.slotOffsets, slotMapping: wire.slotMapping }));
    case 'no-slots':
      return side((wire) => {
        const tables = csrTables(wire, starts, lengths);
        return { step: wire, ...tables, ...deriveNewSlots({ step: wire, ...tables }, offsets, slots) };
      });
    case 'delta': {
      let state = new DeltaState();
      return side(
        (wire) => {
          const tables = state.apply(wire);
          return { step: wire, ...tables, ...deriveNewSlots({ step: wire, ...tables }, offsets, slots) };
        },
        () => {
          state = new DeltaState();
        },
      );
    }
  }
}

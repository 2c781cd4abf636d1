import type { LatencyStats } from '../harness/measure.js';
import type { StallReport } from '../model/measure-stall.js';
import { projectOntoGpu } from '../model/projection.js';
import { payloadByteLength } from '../payload/size.js';
import type { CtxMeta } from '../payload/types.js';
import type { StrategyName } from '../strategies/types.js';
import type { PickleFormResult } from './pickle.js';

const NO_WORK: LatencyStats = { p50: 0, p99: 0, mean: 0, rme: 0, samples: 0 };

/** Names of the Python reference rows, marked so charts draw them dashed. */
const PICKLE_ROW_NAMES = { boxed: 'pickle (python3)', array: 'pickle-array (python3)' } as const;

/**
 * A pickle form's timings shaped as a stall report: encode = dumps, decode = loads, no transport and no rank-side work,
 * so its stall is a lower bound on what a Python engine pays per step for this message.
 */
export function pickleReport(
  form: keyof typeof PICKLE_ROW_NAMES,
  result: PickleFormResult,
  wire: CtxMeta,
  full: CtxMeta,
  strategy: StrategyName,
  memcpy: LatencyStats,
  stepMs: number,
): Omit<StallReport, 'context'> {
  const stall = { p50: result.dumps.p50 + result.loads.p50, p99: result.dumps.p99 + result.loads.p99 };
  return {
    codec: PICKLE_ROW_NAMES[form],
    strategy,
    form: form === 'boxed' ? 'boxed' : 'columnar',
    transport: 'none',
    timingSource: 'in-process',
    batch: full.reqIds.length,
    slots: full.slotMapping.length,
    frames: 1,
    wireBytes: result.bytes,
    payloadBytes: payloadByteLength(wire),
    encode: result.dumps,
    decode: result.loads,
    derive: NO_WORK,
    stall,
    memcpy,
    vsMemcpy: stall.p50 / memcpy.p50,
    projection: projectOntoGpu(stall.p50, { stepMs, overlap: false, batch: full.reqIds.length, tp: 2 }),
    projectionBasis: 'projected',
    parts: { encodeMs: result.dumps.p50, transferMs: 0, perPeerMs: 0, decodeMs: result.loads.p50, deriveMs: 0 },
    transportMeasurement: null,
    stepSource: 'pickle timed inside Python: no transport, no rank-side work',
  };
}

import { messageByteLength } from '../message/size.js';
import type { CtxMeta } from '../kinds/ctx-meta/types.js';
import type { SampleSummary } from '../stats/summary.js';
import type { StrategyName } from '../kinds/strategy.js';
import type { PickleFormResult } from './pickle.js';

/** Names of the Python reference rows. */
export const PICKLE_ROW_NAMES = { boxed: 'pickle (python3)', array: 'pickle-array (python3)' } as const;

/**
 * pickle.dumps and pickle.loads of one wire payload timed inside one Python process: no transfer, no rank process and
 * no rank-side work, so it is not comparable with a broadcast row and lives in its own table.
 */
export interface ReferenceRow {
  runtime: 'python';
  codec: (typeof PICKLE_ROW_NAMES)[keyof typeof PICKLE_ROW_NAMES];
  form: 'boxed' | 'columnar';
  strategy: StrategyName;
  batch: number;
  seqLen: number;
  slots: number;
  wireBytes: number;
  payloadBytes: number;
  dumps: SampleSummary;
  loads: SampleSummary;
  /** dumps p50 + loads p50, ms. */
  inProcessMs: number;
}

/** One pickle form's timings as a reference row. */
export function pickleRow(form: keyof typeof PICKLE_ROW_NAMES, result: PickleFormResult, wire: CtxMeta, full: CtxMeta, strategy: StrategyName, seqLen: number): ReferenceRow {
  return {
    runtime: 'python',
    codec: PICKLE_ROW_NAMES[form],
    form: form === 'boxed' ? 'boxed' : 'columnar',
    strategy,
    batch: full.reqIds.length,
    seqLen,
    slots: full.seqLens.reduce((sum, n) => sum + n, 0),
    wireBytes: result.bytes,
    payloadBytes: messageByteLength(wire),
    dumps: result.dumps,
    loads: result.loads,
    inProcessMs: result.dumps.p50 + result.loads.p50,
  };
}

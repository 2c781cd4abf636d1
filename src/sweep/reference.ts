import { createSchedulerSide } from '../kinds/ctx-meta/strategies.js';
import { streamSteps } from '../kinds/ctx-meta/sequence.js';
import { PythonReferenceError, runPickleReference } from '../reference/pickle.js';
import { pickleRow, type ReferenceRow } from '../reference/reference-row.js';
import type { SweepOptions, SweepOutcome } from './types.js';

/** The pickle reference at every size, or why it could not run (said once through onPythonUnavailable). */
export async function pickleReference(python: string, options: SweepOptions): Promise<{ rows: ReferenceRow[]; python: SweepOutcome['python'] }> {
  const rows: ReferenceRow[] = [];
  let found: SweepOutcome['python'] = { unavailable: 'not run' };
  try {
    for (const seqLen of options.seqLens) {
      const result = await pickleRows(python, options, seqLen);
      rows.push(...result.rows);
      found = { version: result.version, executable: result.executable };
    }
  } catch (error) {
    if (!(error instanceof PythonReferenceError)) throw error;
    options.onPythonUnavailable?.(error.message);
    return { rows: [], python: { unavailable: error.message } };
  }
  return { rows, python: found };
}

/** Both pickle forms for every strategy's wire payload at one size (the centre step), timed inside Python. */
async function pickleRows(python: string, options: SweepOptions, seqLen: number): Promise<{ rows: ReferenceRow[]; version: string; executable: string }> {
  const steps = Array.from(streamSteps({ batch: options.batch, seqLen, steps: 2, seed: 1, finishRate: options.finishRate, blockSize: options.blockSize ?? 16 }, 'full'));
  const full = steps[1];
  if (full === undefined) return { rows: [], version: 'unknown', executable: python };
  const rows: ReferenceRow[] = [];
  let version = 'unknown';
  let executable = python;
  for (const strategy of options.strategies) {
    // The second step: a delta after one step of decode, as in steady state.
    const side = createSchedulerSide(strategy);
    side.wire(steps[0] ?? full, true);
    const wire = side.wire(full, false);
    const result = await runPickleReference(wire, { python, timeMs: 80, minSamples: 10, maxSamples: 100 });
    version = result.python;
    executable = result.executable;
    for (const form of ['boxed', 'array'] as const) rows.push(pickleRow(form, result.forms[form], wire, full, strategy, seqLen));
  }
  return { rows, version, executable };
}

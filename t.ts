import { generateStepSequence } from './src/payload/sequence.js';
import { wirePayloads, createRankSide } from './src/strategies/strategies.js';
import { DeltaState } from './src/strategies/delta.js';
import { withSlotCoverage } from './src/payload/slots.js';
for (const seqLen of [1024, 32768]) {
  const seq = generateStepSequence({ batch: 64, seqLen, steps: 6, seed: 1, finishRate: 0.02 });
  const wire = wirePayloads('delta', seq);
  for (const name of ['delta', 'no-slots'] as const) {
    const w = wirePayloads(name, seq);
    const side = createRankSide(name);
    let t = 0, n = 0;
    for (let round = 0; round < 200; round++) for (const p of w) { const a = performance.now(); side.apply(p); t += performance.now() - a; n++; }
    console.log(seqLen, name, 'apply ms', (t / n).toFixed(4));
  }
  const st = new DeltaState(); let t1 = 0, t2 = 0, n = 0;
  for (let round = 0; round < 200; round++) for (const p of wire) { const a = performance.now(); const s = st.apply(p); const b = performance.now(); withSlotCoverage({ ...p, ...s }, 'new'); t1 += b - a; t2 += performance.now() - b; n++; }
  console.log(seqLen, 'state.apply', (t1/n).toFixed(4), 'withSlotCoverage', (t2/n).toFixed(4));
}

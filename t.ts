import { runPickleReference } from './src/reference/pickle.js';
import { generateCtxMeta } from './src/payload/generate.js';
for (const seqLen of [4096, 32768]) {
  const t = performance.now();
  const r = await runPickleReference(generateCtxMeta({ batch: 64, seqLen, seed: 1 }));
  console.log(seqLen, ((performance.now()-t)/1000).toFixed(1)+'s', r.python, 'boxed dumps', r.forms.boxed.dumps.p50.toFixed(2), 'loads', r.forms.boxed.loads.p50.toFixed(2), 'array dumps', r.forms.array.dumps.p50.toFixed(3), 'loads', r.forms.array.loads.p50.toFixed(3), r.verified);
}
try { await runPickleReference(generateCtxMeta({ batch: 1, seqLen: 4 }), { python: '/nope/python3' }); } catch (e) { console.log(String(e)); }
try { await runPickleReference(generateCtxMeta({ batch: 1, seqLen: 4 }), { python: 'false' }); } catch (e) { console.log(String(e)); }

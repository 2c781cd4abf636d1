import { measureStall } from './src/model/measure-stall.js';
import { generateCtxMeta } from './src/payload/generate.js';
const p = generateCtxMeta({ batch: 64, seqLen: 32768, seed: 1 });
for (const [codec, strategy] of [['shm','full'], ['msgpack','no-slots']] as const) {
  const t = performance.now();
  const r = await measureStall(p, codec, { strategy });
  console.log(codec, strategy, ((performance.now()-t)/1000).toFixed(1)+'s', 'stall', r.stall.p50.toFixed(3), 'dec', r.decode.p50.toFixed(4), 'proj tp4', r.projection.stallMs.toFixed(3), r.projectionBasis, JSON.stringify(r.transportMeasurement?.measured.map(m => [m.tp, m.stallP50.toFixed(3), m.projectedMs.toFixed(3), m.projectionError.toFixed(3)])));
}

import { runBroadcast } from './src/ipc/broadcast.js';
import { generateCtxMeta } from './src/payload/generate.js';
for (const codec of ['msgpack', 'shm', 'json'] as const) {
  const payloads = [0,1,2].map(i => ({...generateCtxMeta({ batch: 64, seqLen: 4096, seed: i }), stepId: i}));
  const t = performance.now();
  const r = await runBroadcast({ codec, tp: 3, steps: 10, payloads });
  console.log(codec, (performance.now()-t).toFixed(0), 'ms', r.stepStall.p50.toFixed(3), r.roundTrip.p50.toFixed(3), r.encode.p50.toFixed(3), r.transfer.p50.toFixed(3), r.decode.p50.toFixed(3), r.shmBackend, r.oversubscribed, r.rejectedFrames, r.steps[0]?.ranks.map(k => k.verified));
}

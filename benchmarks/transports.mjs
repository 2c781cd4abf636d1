// The transports table: ZeroMQ ipc:// against the shared-memory ring, the two launches in alternating order so that
// drift through the run lands on both alike. `stallbench run benchmarks/transports.mjs --out results/transports`.

/** @type {import('stallbench').BenchmarkDefinition} */
export default {
  suite: 'sweep',
  codecs: ['msgpack', 'shm', 'flatbuffers'],
  strategies: ['full', 'delta'],
  batch: 64,
  seqLens: [512, 4096, 32768],
  transports: ['ipc', 'shm-ring'],
  repeat: 2,
  python: null,
  out: 'results/transports',
  quick: { seqLens: [512], repeat: 1, sampling: 'quick' },
};

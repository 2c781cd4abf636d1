// The regression gate's suite: small enough to run on every change, with 200 steps a row in 20 blocks, so
// `stallbench compare` has twenty block medians a row to test (ten, the sweep's default, miss a 20% change too often). `stallbench run benchmarks/gate.mjs --out results/gate-A`, change the code, run it again
// into results/gate-B, then `stallbench compare results/gate-A results/gate-B --fail-above 10`.
// scripts/gate-error-rates.mjs measures how often this gate cries wolf and how often it catches a real 20% slowdown.

/** @type {import('stallbench').BenchmarkDefinition} */
export default {
  suite: 'sweep',
  codecs: ['msgpack', 'flatbuffers', 'shm', './benchmarks/gate/msgpack-module.mjs'],
  strategies: ['full', 'delta'],
  batch: 64,
  seqLens: [512, 4096],
  projectTp: [4],
  transports: ['ipc'],
  python: null,
  samples: 200,
  blocks: 20,
  out: 'results/gate',
  quick: { sampling: 'quick', samples: 32, blocks: 8 },
};

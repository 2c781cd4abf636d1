// The regression gate's suite: small enough to run on every change, with 400 steps a row in 40 blocks, so
// `stallbench compare` has forty block medians a row to test (twenty caught a 20% change in 8 of 10 pairs and failed no A/A pair; forty catch 10 of 10 but failed 2 of 10 A/A pairs: docs/results/gate.json). `stallbench run benchmarks/gate.mjs --out results/gate-A`, change the code, run it again
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
  samples: 400,
  blocks: 40,
  out: 'results/gate',
  quick: { sampling: 'quick', samples: 32, blocks: 8 },
};

// What waiting costs: both transports under four wait policies, each step after 24.5 ms of idle — the tp=4 GPU step
// of the README's projections, stood in for — so each row's stall and CPU per step come from the gap its rank waits
// through in an engine. `stallbench run benchmarks/waits.mjs`.

/** @type {import('stallbench').BenchmarkDefinition} */
export default {
  suite: 'sweep',
  codecs: ['msgpack'],
  strategies: ['delta', 'full'],
  batch: 64,
  seqLens: [512, 32768],
  transports: ['ipc', 'shm-ring'],
  wait: ['sleep', 'spin:1000', 'spin', 'adaptive'],
  idleMs: 24.5,
  python: null,
  out: 'results/waits',
  quick: { strategies: ['delta'], seqLens: [512], idleMs: 5, sampling: 'quick' },
};

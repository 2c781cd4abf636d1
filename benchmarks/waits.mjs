// What waiting costs: every transport under four wait policies, each step after 5 ms of idle (the GPU's step stood
// in for), so each row's CPU per step holds the wait as well as the work. `stallbench run benchmarks/waits.mjs`.

/** @type {import('stallbench').BenchmarkDefinition} */
export default {
  suite: 'sweep',
  codecs: ['msgpack', 'shm'],
  strategies: ['delta', 'full'],
  batch: 64,
  seqLens: [512, 32768],
  transports: ['ipc', 'shm-ring'],
  wait: ['sleep', 'spin:1000', 'spin', 'adaptive'],
  idleMs: 5,
  python: null,
  out: 'results/waits',
  quick: { codecs: ['msgpack'], strategies: ['delta'], seqLens: [512], sampling: 'quick' },
};

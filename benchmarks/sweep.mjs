// The main job of `npm run bench`: every codec × strategy × seq_len at batch 64, broadcast to a real rank process at
// tp=2 over ZeroMQ ipc://, projected to tp=4 and tp=8, with the seed's Python scheduler and ranks beside them.
// Copy this file to define a run of your own and run it with `stallbench run my-sweep.mjs`; `stallbench run --help`
// lists every setting. Flags given on the command line win over the file.

/** @type {import('stallbench').BenchmarkDefinition} */
export default {
  suite: 'sweep',
  // codecs: every built-in when left out; a path to a codec module measures your own.
  // strategies: full, no-slots, delta when left out (captured messages: full, delta).
  batch: 64,
  seqLens: [512, 1024, 2048, 4096, 8192, 16384, 32768],
  blockSize: 16,
  projectTp: [4, 8],
  transports: ['ipc'],
  finishRate: 0,
  regime: 'reused',
  python: 'python3',
  // pythonCodecs: the seed's pickle, pickle-oob, msgpack-numpy when left out (captured messages: msgpack too;
  // a replay: pickle, pickle-oob); a path to a .py codec module measures your own.
  out: 'results',
  // What `--quick` changes: fewer codecs and sizes, the quick sampling plan (under a minute).
  quick: {
    codecs: ['msgpack-boxed', 'msgpack', 'flatbuffers', 'shm'],
    seqLens: [512, 4096],
    pythonCodecs: ['pickle'],
    sampling: 'quick',
  },
};

// The extra hop: ZeroMQ tcp:// (over loopback here), CurveZMQ-encrypted and in the clear as engines send it, beside
// ipc:// and the shared-memory ring, in one run, each tcp row projected onto a 25 µs, 100 Gb/s link.
// `stallbench run benchmarks/tcp.mjs`; across hosts, the same under `stallbench rank` (README).

/** @type {import('stallbench').BenchmarkDefinition} */
export default {
  suite: 'sweep',
  codecs: ['msgpack', 'flatbuffers'],
  strategies: ['delta', 'full'],
  batch: 64,
  seqLens: [4096, 32768],
  transports: ['ipc', 'shm-ring', 'tcp', 'tcp-plain'],
  link: '25us,100Gbps',
  python: null,
  out: 'results/tcp',
  quick: { codecs: ['msgpack'], seqLens: [4096], sampling: 'quick' },
};

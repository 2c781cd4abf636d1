// Full payloads of each size broadcast to real rank processes, beside the floor measured in the same run: a memcpy of
// the payload's bytes plus the empty message's stall. `npm run bench:ipc`, or `stallbench run benchmarks/ipc.mjs`.

/** @type {import('stallbench').BenchmarkDefinition} */
export default {
  suite: 'ipc',
  codecs: ['json', 'msgpack', 'msgpack-boxed', 'cbor', 'flatbuffers', 'protobuf', 'v8', 'v8-boxed', 'shm'],
  sizes: ['64x512', '64x4096', '64x32768'],
  tp: 2,
  regime: 'reused',
  transport: 'ipc',
  quick: { sizes: ['16x1024'], sampling: 'quick' },
};

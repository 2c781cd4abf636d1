// Encode and decode of every codec in one process (tinybench), after an exact round trip, in each allocation regime it
// supports. `npm run bench:codecs`, or `stallbench run benchmarks/codecs.mjs`.

/** @type {import('stallbench').BenchmarkDefinition} */
export default {
  suite: 'codecs',
  // codecs: every built-in when left out.
  sizes: ['64x512', '64x4096', '64x32768'],
  timeMs: 500,
  quick: { sizes: ['8x256', '64x1024'], timeMs: 50, sampling: 'quick' },
};

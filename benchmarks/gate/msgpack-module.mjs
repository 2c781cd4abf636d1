// msgpack as a codec module, for measuring the gate: it does the built-in's work, and when STALLBENCH_GATE_SLOW_US is
// set it spins that many microseconds more in each decode of a step carrying at least STALLBENCH_GATE_SLOW_MIN_SLOTS
// slots, so one row can be made slower by a known amount while every other row stays as it was.
import { performance } from 'node:perf_hooks';
import { createCodec } from 'stallbench';

const slowUs = Number(process.env.STALLBENCH_GATE_SLOW_US ?? 0);
const minSlots = Number(process.env.STALLBENCH_GATE_SLOW_MIN_SLOTS ?? 0);

/** Busy-waits: a sleep would hand the core back and change what the rank's wait costs. */
function spin(us) {
  const until = performance.now() + us / 1000;
  while (performance.now() < until);
}

export default function createMsgpackModule() {
  const inner = createCodec('msgpack');
  return {
    ...inner,
    name: 'msgpack-module',
    description: 'msgpack through a codec module (the gate suite slows it on purpose to measure detection)',
    encode: (message, allocator) => inner.encode(message, allocator),
    decode: (frames) => {
      const message = inner.decode(frames);
      const slots = message.slotMapping?.length ?? 0;
      if (slowUs > 0 && slots >= minSlots) spin(slowUs);
      return message;
    },
    ...(inner.release === undefined ? {} : { release: () => inner.release() }),
    ...(inner.dispose === undefined ? {} : { dispose: () => inner.dispose() }),
  };
}

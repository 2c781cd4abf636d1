// Figures for the shm-ring transport against ipc at tp=2, interleaved and repeated in one run (npm run bench:transports):
// an empty step (the header frame only, one way, on real transports), msgpack and the shm codec on a full 64 x 32768
// payload, and one memcpy of the shm codec's bytes. Not a test: it prints medians with their spread across repeats.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { benchIpc, type IpcBenchRow } from '../src/bench/ipc.js';
import { fixedPlan } from '../src/broadcast/sampling.js';
import { nowNs, packControl, unpackControl } from '../src/broadcast/protocol.js';
import { connectRankTransport, openSchedulerTransport } from '../src/transport/open.js';
import { createRunDir } from '../src/transport/run-dir.js';
import type { ShmRingOptions } from '../src/transport/shm-ring.js';
import { defaultWaitPolicy } from '../src/transport/shm-ring-wait.js';
import { availableParallelism } from 'node:os';
import { TRANSPORT_NAMES, type TransportAddress, type TransportName } from '../src/transport/types.js';
import { summarizeSamples } from '../src/stats/summary.js';

const REPEATS = Number(process.env.REPEATS ?? 3);
const STEPS = Number(process.env.STEPS ?? 100);
const TOKEN = 'f'.repeat(32);
const quiet = { token: TOKEN, rank: 1, kind: 'step', config: 0, pageFaults: 0, verified: null, error: null } as const;

/** The rank of an empty step: receive the header, decode it, answer with the clock stamps. */
async function peer(address: TransportAddress): Promise<void> {
  const transport = connectRankTransport(address, 60_000, 1);
  for (;;) {
    const frames = await transport.receive();
    const receivedNs = nowNs();
    const command = unpackControl(frames?.[0]);
    const readyNs = nowNs();
    if (command === null || command.kind === 'stop') break;
    await transport.send(packControl({ ...quiet, step: Number(command.step), receivedNs, decodedNs: readyNs, convertedNs: readyNs, readyNs }));
  }
  transport.close();
}

/** Empty steps over `name`: header-only message from rank 0 start to the rank's ready stamp, ms each. */
async function emptySteps(name: TransportName, steps: number, shmRing: ShmRingOptions = {}): Promise<number[]> {
  const dir = createRunDir();
  const transport = await openSchedulerTransport(name, dir, 5000, { ranks: 1, shmRing });
  const child = fork(new URL(import.meta.url).pathname, ['peer', JSON.stringify(transport.address)], { execArgv: ['--import', 'tsx'] });
  const header = (step: number): Uint8Array => packControl({ kind: 'step', token: TOKEN, config: 0, step, restart: false, check: '' });
  try {
    // PUB/SUB drops what is sent before the subscriber joins: send until one answer comes back.
    for (let step = -1; (await transport.receive(100)) === null; step--) await transport.send([header(step)]);
    const out: number[] = [];
    for (let step = 0; step < steps + 20; step++) {
      const startNs = nowNs();
      await transport.send([header(step)]);
      let ack = unpackControl((await transport.receive(5000)) ?? undefined);
      while (ack !== null && ack.step !== step) ack = unpackControl((await transport.receive(5000)) ?? undefined);
      if (ack === null) throw new Error(`no answer to empty step ${step}`);
      if (step >= 20) out.push((Number(ack.readyNs) - startNs) / 1e6);
    }
    await transport.send([packControl({ kind: 'stop', token: TOKEN })]);
    await once(child, 'exit');
    return out;
  } finally {
    child.kill('SIGKILL');
    transport.close();
    dir.remove();
  }
}

if (process.argv[2] === 'peer') {
  await peer(JSON.parse(process.argv[3] ?? '{}') as TransportAddress);
  process.exit(0);
}

const FIGURES = [
  'empty step',
  'empty step, spinning 20 ms',
  'msgpack stall',
  'msgpack encode',
  'msgpack transfer',
  'msgpack decode',
  'shm stall',
  'shm encode',
  'shm transfer',
  'shm decode',
  'memcpy (shm bytes)',
] as const;
type Figure = (typeof FIGURES)[number];
const medians = new Map<string, number[]>();
const ns = new Map<string, number>();
const record = (transport: TransportName, figure: Figure, p50: number, n: number): void => {
  const key = `${transport}|${figure}`;
  medians.set(key, [...(medians.get(key) ?? []), p50]);
  ns.set(key, n);
};

for (let repeat = 0; repeat < REPEATS; repeat++) {
  const order = repeat % 2 === 0 ? [...TRANSPORT_NAMES] : [...TRANSPORT_NAMES].reverse();
  for (const transport of order) {
    process.stderr.write(`repeat ${repeat + 1}/${REPEATS}: ${transport}\n`);
    const empty = summarizeSamples(await emptySteps(transport, Math.max(STEPS, 200)));
    record(transport, 'empty step', empty.p50, empty.n);
    if (transport === 'shm-ring') {
      const spinning = summarizeSamples(await emptySteps(transport, Math.max(STEPS, 200), { wait: { spinUs: 20_000 } }));
      record(transport, 'empty step, spinning 20 ms', spinning.p50, spinning.n);
    }
    const rows: IpcBenchRow[] = await benchIpc({
      codecs: ['msgpack', 'shm'],
      sizes: [{ batch: 64, seqLen: 32768 }],
      tp: 2,
      transport,
      plan: fixedPlan(STEPS, 5),
    });
    for (const row of rows) {
      const codec = row.codec as 'msgpack' | 'shm';
      record(transport, `${codec} stall`, row.stall.p50, row.stall.n);
      for (const part of ['encode', 'transfer', 'decode'] as const) record(transport, `${codec} ${part}`, row.parts[part].p50, row.parts[part].n);
      if (codec === 'shm') record(transport, 'memcpy (shm bytes)', row.memcpy.p50, row.memcpy.n);
    }
  }
}

const fmt = (v: number): string => (v < 1 ? v.toFixed(3) : v.toFixed(2));
console.log(`tp=2, ${REPEATS} interleaved repeats; each cell: median of the repeats' p50 [min–max], ms (n per repeat)`);
console.log(`shm-ring wait policy: ${JSON.stringify(defaultWaitPolicy(2, availableParallelism()))} on ${availableParallelism()} cores`);
console.log(['figure', ...TRANSPORT_NAMES].join(' | '));
for (const figure of FIGURES) {
  const cells = TRANSPORT_NAMES.map((t) => {
    const values = [...(medians.get(`${t}|${figure}`) ?? [])].sort((a, b) => a - b);
    if (values.length === 0) return '—';
    const mid = values[Math.floor(values.length / 2)] ?? NaN;
    return `${fmt(mid)} [${fmt(values[0] ?? NaN)}–${fmt(values[values.length - 1] ?? NaN)}] (n=${ns.get(`${t}|${figure}`) ?? 0})`;
  });
  console.log([figure, ...cells].join(' | '));
}

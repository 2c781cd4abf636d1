// Figures for the seed's own system: a Python scheduler pickling each step and Python TP ranks unpickling it, over
// ZeroMQ ipc://, end to end on the same clock as the Node rows (npx tsx scripts/python-figures.ts [--out FILE]).
// Batch 64 x seq_len 4096, tp=2; every configuration's measured steps come in blocks spread round-robin over the run,
// as the sweep spreads them. Not a test: it prints each row's stall and parts, and with --out keeps the raw samples
// (and compares them with a previous file given as --against FILE: median ratio and Mann-Whitney p).
import { readFileSync } from 'node:fs';
import { partSamples, PART_NAMES } from '../src/broadcast/parts.js';
import { nextBlock, SAMPLING_PRESETS, stepsNeeded, type SamplingPlan } from '../src/broadcast/sampling.js';
import { openRankSession, type ActiveRun, type RankSession, type StepRecord } from '../src/broadcast/session.js';
import { writeFileAtomic } from '../src/harness/write-atomic.js';
import { generatedSource } from '../src/payload/stream.js';
import { openPythonSession } from '../src/python/session.js';
import { runPickleReference } from '../src/reference/pickle.js';
import { createSchedulerSide } from '../src/strategies/strategies.js';
import { streamSteps } from '../src/payload/sequence.js';
import { compareSamples } from '../src/stats/compare.js';
import { summarizeSamples } from '../src/stats/summary.js';
import type { StrategyName } from '../src/strategies/types.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const BATCH = 64;
const SEQ_LEN = Number(arg('--seq-len') ?? 4096);
const plan: SamplingPlan = { samples: 120, minSamples: 100, budgetMs: 120_000, blocks: 10, warmup: SAMPLING_PRESETS.full.warmup };
const ROWS: readonly { runtime: 'python' | 'node'; codec: string; strategy: StrategyName }[] = [
  { runtime: 'python', codec: 'pickle', strategy: 'full' },
  { runtime: 'python', codec: 'pickle', strategy: 'no-slots' },
  { runtime: 'python', codec: 'pickle', strategy: 'delta' },
  { runtime: 'python', codec: 'pickle-oob', strategy: 'full' },
  { runtime: 'python', codec: 'msgpack-numpy', strategy: 'full' },
  // Node rows on the same machine in the same run, for scale.
  { runtime: 'node', codec: 'msgpack-boxed', strategy: 'full' },
  { runtime: 'node', codec: 'msgpack', strategy: 'full' },
];

// The sweep's source: steps centred on SEQ_LEN, so the measured ones straddle it.
const source = generatedSource({ batch: BATCH, seqLen: SEQ_LEN - Math.floor(plan.samples / 2), steps: stepsNeeded(plan), seed: 1, finishRate: 0.02, blockSize: 16 });
const python = await openPythonSession({ tp: 2 });
const node = await openRankSession({ tp: 2 });
const sessions: Record<'python' | 'node', RankSession> = { python, node };
type Row = { label: string; run: ActiveRun; steps: StepRecord[]; measuredMs: number; blocks: number; warm: boolean };
const rows: Row[] = [];
try {
  for (const r of ROWS) {
    const run = await sessions[r.runtime].start({ codec: r.codec, strategy: r.strategy, source, verifyEvery: 10 });
    rows.push({ label: `${r.runtime} ${r.codec} ${r.strategy}`, run, steps: [], measuredMs: 0, blocks: 0, warm: false });
  }
  for (let block = 0; block < plan.blocks; block++) {
    for (const row of rows) {
      const ask = nextBlock(plan, { samples: row.steps.length, measuredMs: row.measuredMs, blocks: row.blocks });
      if (ask === null) continue;
      if (!row.warm) {
        await row.run.warmUp(plan.warmup);
        row.run.rewind();
        row.warm = true;
      }
      const t0 = performance.now();
      const got = await row.run.block(ask);
      row.measuredMs += performance.now() - t0;
      row.blocks++;
      row.steps.push(...got.steps);
      process.stderr.write(`block ${block + 1}/${plan.blocks}: ${row.label}\n`);
    }
  }
} finally {
  for (const row of rows) row.run.suspend();
  await python.close();
  await node.close();
}

const fmt = (v: number): string => (v < 1 ? v.toFixed(3) : v.toFixed(2));
const samples: Record<string, Record<string, number[]>> = {};
console.log(`batch ${BATCH} x seq_len ${SEQ_LEN}, tp=2 on ${python.cores} cores; Python ${python.python.version} (${python.python.executable}); ms, p50 [95% CI of the median]`);
console.log(['row', 'n', 'stall', ...PART_NAMES, 'wire MB'].join(' | '));
for (const row of rows) {
  const parts = partSamples(row.steps);
  samples[row.label] = parts;
  const stall = summarizeSamples(parts.stall);
  const wire = summarizeSamples(row.steps.map((s) => s.wireBytes)).p50 / 1e6;
  console.log([row.label, stall.n, `${fmt(stall.p50)} [${fmt(stall.ci95[0])}–${fmt(stall.ci95[1])}]`, ...PART_NAMES.map((p) => fmt(summarizeSamples(parts[p]).p50)), wire.toFixed(2)].join(' | '));
}
// The model's check: pickle.dumps / pickle.loads of the same boxed full payload timed inside one Python process.
const [first, centre] = Array.from(streamSteps({ batch: BATCH, seqLen: SEQ_LEN, steps: 2, seed: 1, finishRate: 0.02, blockSize: 16 }, 'none'));
if (first !== undefined && centre !== undefined) {
  const side = createSchedulerSide('full');
  side.wire(first, true);
  const ref = await runPickleReference(side.wire(centre, false), { python: python.python.executable, timeMs: 3000, minSamples: 100, maxSamples: 200 });
  const { dumps, loads } = ref.forms.boxed;
  console.log(`in-process pickle of the boxed full payload (pickle_reference.py): dumps ${fmt(dumps.p50)} [${fmt(dumps.ci95[0])}–${fmt(dumps.ci95[1])}] (n=${dumps.n}), loads ${fmt(loads.p50)} [${fmt(loads.ci95[0])}–${fmt(loads.ci95[1])}] (n=${loads.n})`);
}
const out = arg('--out');
if (out !== undefined) writeFileAtomic(out, JSON.stringify({ seqLen: SEQ_LEN, batch: BATCH, samples }));
const against = arg('--against');
if (against !== undefined) {
  const before = (JSON.parse(readFileSync(against, 'utf8')) as { samples: Record<string, Record<string, number[]>> }).samples;
  console.log(`\nagainst ${against}: stall median ratio (this / that), Mann-Whitney p, verdict`);
  for (const [label, parts] of Object.entries(samples)) {
    const a = before[label]?.stall;
    if (a === undefined || parts.stall === undefined) continue;
    const c = compareSamples(a, parts.stall);
    console.log(`${label} | ${c.ratio.toFixed(3)} | p=${c.p.toPrecision(2)} | ${c.verdict}`);
  }
}

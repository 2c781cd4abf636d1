// Runs a long broadcast and prints where its ranks and files are once steps are flowing, so a test can signal it mid-run.
import { fixedPlan } from '../../src/broadcast/sampling.js';
import { openRankSession } from '../../src/broadcast/session.js';
import { generatedSource } from '../../src/kinds/ctx-meta/source.js';

const codec = process.argv[2] === 'shm' ? 'shm' : 'msgpack';
const transport = process.argv[3] === 'shm-ring' ? 'shm-ring' : 'ipc';
const session = await openRankSession({ tp: 3, transport });
const source = generatedSource({ batch: 8, seqLen: 512, steps: 100, seed: 1, finishRate: 0 });
// One short configuration first: when it returns, every rank has decoded real steps.
await session.measure({ codec, strategy: 'full', source, plan: fixedPlan(2, 0) });
process.stdout.write(`${JSON.stringify({ pids: session.pids, runDir: session.runDir, pid: process.pid })}\n`);
await session.measure({ codec, strategy: 'full', source, plan: fixedPlan(1_000_000, 0) });

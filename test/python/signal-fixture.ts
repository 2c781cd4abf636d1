// Runs a long Python broadcast and prints where its processes and files are once steps are flowing, so a test can signal it mid-run.
import { fixedPlan } from '../../src/broadcast/sampling.js';
import { generatedSource } from '../../src/kinds/ctx-meta/source.js';
import { openPythonSession } from '../../src/python/session.js';

const session = await openPythonSession({ tp: 2, python: process.argv[2] ?? 'python3' });
const source = generatedSource({ batch: 8, seqLen: 512, steps: 100, seed: 1, finishRate: 0 });
// One short configuration first: when it returns, every rank has decoded real steps.
await session.measure({ codec: 'pickle', strategy: 'full', source, plan: fixedPlan(2, 0) });
process.stdout.write(`${JSON.stringify({ pids: session.pids, runDir: session.runDir, pid: process.pid })}\n`);
await session.measure({ codec: 'pickle', strategy: 'full', source, plan: fixedPlan(1_000_000, 0) });

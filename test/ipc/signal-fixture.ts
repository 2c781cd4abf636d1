// Runs a long broadcast and prints where its ranks and files are, so a test can signal it mid-run.
import { runBroadcast } from '../../src/ipc/broadcast.js';
import { generateCtxMeta } from '../../src/payload/generate.js';

const codec = process.argv[2] === 'shm' ? 'shm' : 'msgpack';
await runBroadcast({
  codec,
  tp: 3,
  steps: 1_000_000,
  warmup: 0,
  pings: 0,
  payloads: [generateCtxMeta({ batch: 8, seqLen: 512 })],
  onStart: (info) => process.stdout.write(`${JSON.stringify({ ...info, pid: process.pid })}\n`),
});

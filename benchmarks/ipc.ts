// Broadcast benchmark over real rank processes: `npm run bench:ipc -- --help`.
import { parseArgs } from 'node:util';
import { runMain } from './run-main.js';
import { benchIpc } from '../src/bench/ipc.js';
import { parseSizes } from '../src/bench/sizes.js';
import { isCodecName, listCodecs, type CodecName } from '../src/codecs/registry.js';
import { OptionsError } from '../src/errors.js';
import { collectRunContext } from '../src/harness/context.js';
import { textTable } from '../src/report/format.js';
import { IPC_TABLE_HEADER, ipcTableRows } from '../src/report/ipc-table.js';
import { writeFileAtomic } from '../src/report/write-atomic.js';

const DEFAULT_CODECS = ['json', 'msgpack', 'msgpack-boxed', 'cbor', 'flatbuffers', 'protobuf', 'v8', 'v8-boxed', 'shm'];
const HELP = `usage: npm run bench:ipc -- [options]
  --codecs a,b     codecs (default: ${DEFAULT_CODECS.join(',')})
  --sizes BxS,...  payload sizes (default: 64x512,64x4096,64x32768)
  --tp N           ranks including the scheduler (default: 2)
  --steps N        measured steps per codec and size (default: 20)
  --quick          one small size, 5 steps
  --trace DIR      write a Chrome trace per codec and size into DIR
  --out FILE       also write rows and run context as JSON
  --help           this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      codecs: { type: 'string' },
      sizes: { type: 'string' },
      tp: { type: 'string' },
      steps: { type: 'string' },
      quick: { type: 'boolean', default: false },
      trace: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const codecs = (values.codecs?.split(',') ?? DEFAULT_CODECS).map((name): CodecName => {
    if (!isCodecName(name)) throw new OptionsError('codecs', `unknown codec '${name}'; known: ${listCodecs().join(', ')}`);
    return name;
  });
  const sizes = parseSizes(values.sizes ?? (values.quick ? '16x1024' : '64x512,64x4096,64x32768'));
  const tp = Number(values.tp ?? 2);
  const steps = Number(values.steps ?? (values.quick ? 5 : 20));
  const context = collectRunContext();
  console.log(`stallbench ipc on ${context.cpuModel} (${context.cores} cores), Node ${context.node}, ${context.date}`);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort('SIGINT'));
  const traceDir = values.trace;
  const rows = await benchIpc({
    codecs,
    sizes,
    tp,
    steps,
    warmup: 5,
    signal: controller.signal,
    onProgress: (text) => process.stderr.write(`  ${text}\n`),
    ...(traceDir !== undefined ? { trace: (codec: string, s: { batch: number; seqLen: number }) => `${traceDir}/${codec}-${s.batch}x${s.seqLen}.json` } : {}),
  });
  console.log(textTable(IPC_TABLE_HEADER, ipcTableRows(rows)));
  if (rows.some((r) => r.result.oversubscribed)) console.log(`* tp exceeds the ${context.cores} cores: ranks share cores and stalls are inflated`);
  console.log('floor = memcpy of the payload bytes + small-message round trip, both measured in this run');
  if (values.out !== undefined) writeFileAtomic(values.out, `${JSON.stringify({ schemaVersion: 1, context, rows }, null, 2)}\n`);
}

runMain('ipc', main);

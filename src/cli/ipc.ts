import { parseArgs } from 'node:util';
import { benchIpc } from '../run/ipc.js';
import { parseSizes } from '../bench/sizes.js';
import { fixedPlan, SAMPLING_PRESETS } from '../broadcast/sampling.js';
import { checkCodecRef } from '../codecs/module.js';
import { collectRunContext } from '../harness/context.js';
import { checkSystem, formatSystemCheck } from '../harness/system-check.js';
import { writeFileAtomic } from '../harness/write-atomic.js';
import { IPC_SCHEMA_VERSION, type IpcResultsFile } from '../report/ipc-section.js';
import { IPC_TABLE_HEADER, ipcTableRows } from '../report/ipc-table.js';
import { TRANSPORT_NAMES } from '../transport/types.js';
import { LIMITS, list, oneOf, positiveInt, shmRingOption, tcpOption, tpOption, waitOptions } from './args.js';
import { abortOnSignals } from './interrupt.js';
import { fitTable } from '../report/terminal-table.js';
import { checkWritable } from '../harness/output-path.js';

const DEFAULT_CODECS = ['json', 'msgpack', 'msgpack-boxed', 'cbor', 'flatbuffers', 'protobuf', 'v8', 'v8-boxed', 'shm'];

/** Help text of `stallbench ipc`. */
export const IPC_HELP = `usage: stallbench ipc [options]

Broadcasts full payloads of each size to real rank processes (over ZeroMQ ipc:// by default) and times every part of
the step, beside the floor measured in the same run: a memcpy of the payload's bytes plus the empty message's stall.

  --codecs a,b     codecs (default: ${DEFAULT_CODECS.join(',')})
  --sizes BxS,...  payload sizes (default: 64x512,64x4096,64x32768)
  --tp N           ranks including the scheduler (default: 2)
  --steps N        measured steps per codec and size (default: the full sampling plan, ${SAMPLING_PRESETS.full.samples})
  --regime R       reused or fresh (default: reused)
  --transport T    ${TRANSPORT_NAMES.join(', ')} (default: ipc)
  --listen ADDR    where a tcp scheduler listens (default: 127.0.0.1); keys from STALLBENCH_SECRET_FILE or
                   STALLBENCH_SECRET (hex), else a fresh secret
  --spin-us N      how long a waiting shm-ring end polls before it sleeps, µs (default: 20000 where every
                   process has a core and one is to spare, else 50)
  --wait a,b       wait policies to measure under, each on ranks of its own: sleep, spin:N, spin,
                   adaptive[:PIVOT] (default: the transport's own)
  --idle-ms MS     rank 0 sleeps MS before each step (the GPU's step stood in for) (default: 0)
  --quick          one small size, ${SAMPLING_PRESETS.quick.samples} steps
  --out FILE       also write rows and run context as JSON (stallbench report reads results/ipc.json)
  --help           this text`;

/** Runs `stallbench ipc`; returns the exit code. */
export async function ipcCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      codecs: { type: 'string' },
      sizes: { type: 'string' },
      tp: { type: 'string' },
      steps: { type: 'string' },
      regime: { type: 'string' },
      transport: { type: 'string' },
      'spin-us': { type: 'string' },
      wait: { type: 'string' },
      'idle-ms': { type: 'string' },
      listen: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(IPC_HELP);
    return 0;
  }
  const codecs = list(values.codecs, DEFAULT_CODECS, checkCodecRef);
  const sizes = parseSizes(values.sizes ?? (values.quick ? '16x1024' : '64x512,64x4096,64x32768'));
  const base = values.quick ? SAMPLING_PRESETS.quick : SAMPLING_PRESETS.full;
  const plan = values.steps === undefined ? base : { ...fixedPlan(positiveInt('steps', values.steps, 1_000_000), 0), warmup: base.warmup };
  if (values.out !== undefined) checkWritable(values.out, 'file');
  const context = collectRunContext();
  console.log(`stallbench ipc on ${context.cpuModel} (${context.cores} cores, load ${context.loadAverage[0].toFixed(2)}), Node ${context.node}, ${context.date}`);
  // This process is rank 0; the others are tp − 1 processes of their own.
  console.log(formatSystemCheck(await checkSystem({ processes: tpOption('tp', values.tp ?? '2', LIMITS.ranks) })));
  const transport = oneOf('transport', values.transport ?? 'ipc', TRANSPORT_NAMES);
  const controller = new AbortController();
  abortOnSignals(controller);
  const rows = await benchIpc({
    codecs,
    sizes,
    tp: tpOption('tp', values.tp ?? '2', LIMITS.ranks),
    plan,
    regime: oneOf('regime', values.regime ?? 'reused', ['reused', 'fresh'] as const),
    transport,
    ...shmRingOption(values['spin-us'], [transport]),
    ...waitOptions(values.wait, values['idle-ms'], values['spin-us']),
    ...tcpOption(values.listen, [transport]),
    signal: controller.signal,
    onProgress: (text) => process.stderr.write(`  ${text}\n`),
  });
  const { text, dropped } = fitTable(IPC_TABLE_HEADER, ipcTableRows(rows));
  console.log(text);
  if (dropped > 0) console.log(`(${dropped} columns did not fit the terminal; --out writes every figure)`);
  if (rows.some((r) => r.report.oversubscribed)) console.log(`* tp exceeds the ${context.cores} cores: ranks share cores and stalls are inflated`);
  console.log("floor = memcpy of the payload bytes + the empty message's stall on the same transport, both measured in this run");
  if (values.out !== undefined) {
    const file: IpcResultsFile = { schemaVersion: IPC_SCHEMA_VERSION, context, rows };
    writeFileAtomic(values.out, `${JSON.stringify(file, null, 1)}\n`);
  }
  return 0;
}

import { parseArgs } from 'node:util';
import { checkCodecRef, isCodecModuleRef, loadCodecModule } from '../codecs/module.js';
import { listCodecs } from '../codecs/registry.js';
import { broadcastTrace } from '../broadcast/trace.js';
import { loadMessages } from '../message/load.js';
import { collectRunContext } from '../harness/context.js';
import { writeFileAtomic } from '../harness/write-atomic.js';
import { measureStall } from '../run/measure-stall.js';
import { STEP_PRESETS, type StepPresetName } from '../model/presets.js';
import { generateCtxMeta } from '../kinds/ctx-meta/generate.js';
import { STALL_EXAMPLE_SCHEMA_VERSION, type StallExampleFile } from '../report/readme.js';
import { formatStallReport } from '../report/stall-report.js';
import { TRANSPORT_NAMES } from '../transport/types.js';
import { checkStrategy } from '../kinds/strategy.js';
import { checkLinkOption, LIMITS, oneOf, positiveInt, positiveNumber, shmRingOption, tcpOption, tpOption, waitOptions } from './args.js';
import { OptionsError } from '../errors.js';
import { abortOnSignals } from './interrupt.js';
import { checkWritable } from '../harness/output-path.js';
import { checkSystem, formatSystemCheck } from '../harness/system-check.js';

/** Help text of `stallbench stall`. */
export const STALL_HELP = `usage: stallbench stall [options]

measureStall from the command line: one codec and strategy on a generated payload, measured at tp=2 with a real
rank process and projected onto the TP asked for.

  --codec NAME       one of ${listCodecs().join(', ')} (default: msgpack-boxed),
                     or a path to a codec module (default export: a factory () => Codec)
  --messages FILE    a captured sequence instead of a generated payload (strategies full and delta)
  --strategy NAME    full, new-slots, no-slots or delta (default: full)
  --batch N          requests (default: 64)
  --seq-len N        context length (default: 4096)
  --block-size N     tokens per KV block (default: 16)
  --tp N             TP size to project onto (default: 4)
  --step-ms MS       GPU step time (default: the preset of that TP)
  --preset NAME      ${Object.keys(STEP_PRESETS).join(', ')}
  --overlap          the engine overlaps scheduling with the GPU step
  --regime R         reused or fresh (default: reused)
  --quick            the quick sampling plan
  --transport NAME   ipc (default), shm-ring, tcp (ZeroMQ tcp://, CurveZMQ) or tcp-plain (frames in the clear)
  --link RTT,BW      over tcp: project the row onto a network link, e.g. 25us,100Gbps
  --listen ADDR      where a tcp scheduler listens (default: 127.0.0.1); keys from STALLBENCH_SECRET_FILE or
                     STALLBENCH_SECRET (hex), else a fresh secret
  --spin-us N        how long a waiting shm-ring end polls before it sleeps, µs (default: 20000 where every
                     process has a core and one is to spare, else 50)
  --wait a,b         wait policies, each measured on ranks of its own: sleep, spin:N, spin, adaptive[:PIVOT]
                     (default: the transport's own)
  --idle-ms MS       rank 0 sleeps MS before each step (the GPU's step stood in for) (default: 0)
  --no-ipc           encode, decode and derive in this process only
  --trace FILE       write a Chrome trace of the measured steps
  --json             print the report as JSON
  --out FILE         also write the report and this command as JSON (stallbench report shows it in the README)
  --help             this text`;

/** Runs `stallbench stall`; returns the exit code. */
export async function stallCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      codec: { type: 'string', default: 'msgpack-boxed' },
      messages: { type: 'string' },
      strategy: { type: 'string', default: 'full' },
      batch: { type: 'string', default: '64' },
      'seq-len': { type: 'string', default: '4096' },
      'block-size': { type: 'string', default: '16' },
      tp: { type: 'string', default: '4' },
      'step-ms': { type: 'string' },
      preset: { type: 'string' },
      overlap: { type: 'boolean', default: false },
      regime: { type: 'string', default: 'reused' },
      quick: { type: 'boolean', default: false },
      'no-ipc': { type: 'boolean', default: false },
      transport: { type: 'string', default: 'ipc' },
      'spin-us': { type: 'string' },
      wait: { type: 'string' },
      'idle-ms': { type: 'string' },
      listen: { type: 'string' },
      link: { type: 'string' },
      trace: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(STALL_HELP);
    return 0;
  }
  const codec = checkCodecRef(values.codec);
  const waiting = waitOptions(values.wait, values['idle-ms'], values['spin-us']);
  const waits = waiting.wait ?? [undefined];
  if (waits.length > 1 && (values.out !== undefined || values.trace !== undefined)) throw new OptionsError('wait', '--out and --trace take one policy; give --wait one name');
  if (values.out !== undefined) checkWritable(values.out, 'file');
  if (values.trace !== undefined) checkWritable(values.trace, 'file');
  if (isCodecModuleRef(codec)) await loadCodecModule(codec);
  const payload = values.messages !== undefined ? await loadMessages(values.messages) : generateCtxMeta({
    batch: positiveInt('batch', values.batch, LIMITS.batch),
    seqLen: positiveInt('seq-len', values['seq-len'], LIMITS.seqLen),
    blockSize: positiveInt('block-size', values['block-size'], 1 << 20),
    seed: 1,
  });
  const transport = values['no-ipc'] ? 'none' : oneOf('transport', values.transport, TRANSPORT_NAMES);
  const controller = new AbortController();
  abortOnSignals(controller);
  // Every option is checked before anything is printed or started.
  if (values.link !== undefined) checkLinkOption(values.link, [transport]);
  tcpOption(values.listen, [transport]);
  // This process is rank 0 and one rank runs beside it; with --json the check goes to stderr, so stdout stays JSON.
  const system = transport === 'none' ? null : await checkSystem({ processes: 2 });
  if (system !== null) (values.json ? console.error : console.log)(formatSystemCheck(system));
  const rows = [];
  for (const wait of waits) rows.push(await measureStall(payload, codec, {
    strategy: checkStrategy(values.strategy),
    tp: tpOption('tp', values.tp, LIMITS.tp),
    overlap: values.overlap,
    regime: oneOf('regime', values.regime, ['reused', 'fresh'] as const),
    sampling: values.quick ? 'quick' : 'full',
    transport,
    ...shmRingOption(values['spin-us'], [transport]),
    ...(wait === undefined ? {} : { wait }),
    ...tcpOption(values.listen, [transport]),
    ...(values.link === undefined ? {} : { link: values.link }),
    ...(waiting.idleMs === undefined ? {} : { idleMs: waiting.idleMs }),
    signal: controller.signal,
    stepMs: values['step-ms'] === undefined ? undefined : positiveNumber('step-ms', values['step-ms']),
    preset: values.preset === undefined ? undefined : oneOf('preset', values.preset, Object.keys(STEP_PRESETS) as StepPresetName[]),
    keepSteps: values.trace !== undefined,
  }));
  // The steps go to the trace and the context to --out: the report shows the rest.
  const shownRows = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([key]) => key !== 'steps' && key !== 'context')));
  if (values.json) console.log(JSON.stringify(shownRows.length === 1 ? shownRows[0] : shownRows, null, 2));
  else console.log(rows.map(formatStallReport).join('\n\n'));
  const row = rows[0] as (typeof rows)[number];
  const { steps, context, ...shown } = row;
  if (values.trace !== undefined && steps !== undefined) {
    writeFileAtomic(values.trace, JSON.stringify(broadcastTrace(steps, { label: `${row.codec} ${row.strategy}`, tp: 2 })));
    console.log(`trace: ${values.trace} (open in https://ui.perfetto.dev)`);
  }
  if (values.out !== undefined) {
    const command = `stallbench stall ${args.filter((a, i, all) => a !== '--out' && all[i - 1] !== '--out').join(' ')}`.trim();
    const file: StallExampleFile = { schemaVersion: STALL_EXAMPLE_SCHEMA_VERSION, kind: 'stall', command, context: context ?? collectRunContext(), ...(system === null ? {} : { system }), row: shown };
    writeFileAtomic(values.out, `${JSON.stringify(file, null, 1)}\n`);
  }
  return 0;
}

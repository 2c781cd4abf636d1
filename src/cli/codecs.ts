import { parseArgs } from 'node:util';
import { benchCodec, type CodecBenchRow } from '../bench/codecs.js';
import { parseSizes } from '../bench/sizes.js';
import { createCodec, listCodecs } from '../codecs/registry.js';
import { CTX_META_KIND } from '../kinds/ctx-meta/kind.js';
import { collectRunContext } from '../harness/context.js';
import { writeFileAtomic } from '../harness/write-atomic.js';
import { generateCtxMeta } from '../kinds/ctx-meta/generate.js';
import { CODEC_SCHEMA_VERSION, type CodecResultsFile } from '../report/codec-section.js';
import { CODEC_TABLE_HEADER, codecTableRows } from '../report/codec-table.js';
import { list, positiveNumber } from './args.js';
import { fitTable } from '../report/terminal-table.js';
import { checkWritable } from '../harness/output-path.js';
import { abortOnSignals } from './interrupt.js';

/** Help text of `stallbench codecs`. */
export const CODECS_HELP = `usage: stallbench codecs [options]

Encode and decode of every codec in this process (tinybench), after an exact round trip, in each allocation regime
the codec supports: 'reused' (a pooled buffer, floor: a hot memcpy of the same bytes) and 'fresh' (new memory per
message, floor: allocUnsafeSlow plus the copy).

  --codecs a,b     codecs (default: all: ${listCodecs().join(', ')})
  --sizes BxS,...  payload sizes (default: 64x512,64x4096,64x32768)
  --time MS        minimum sampling time per operation (default: 500)
  --quick          small sizes and short timing, for smoke tests
  --out FILE       also write the rows and run context as JSON (stallbench report reads results/codecs.json)
  --help           this text`;

/** Runs `stallbench codecs`; returns the exit code. */
export async function codecsCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      codecs: { type: 'string' },
      sizes: { type: 'string' },
      time: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(CODECS_HELP);
    return 0;
  }
  const codecs = list<string>(values.codecs, listCodecs(), (name) => name).map((name) => createCodec(name, { schemaCodecs: CTX_META_KIND.schemaCodecs }));
  const sizes = parseSizes(values.sizes ?? (values.quick ? '8x256,64x1024' : '64x512,64x4096,64x32768'));
  const timeMs = positiveNumber('time', values.time ?? (values.quick ? '50' : '500'));
  if (values.out !== undefined) checkWritable(values.out, 'file');
  const context = collectRunContext();
  console.log(`stallbench codecs on ${context.cpuModel} (${context.cores} cores, load ${context.loadAverage[0].toFixed(2)}), Node ${context.node}, ${context.date}`);
  const rows: CodecBenchRow[] = [];
  const signals = abortOnSignals(new AbortController());
  try {
    for (const size of sizes) {
      const payload = generateCtxMeta({ ...size, seed: 1 });
      for (const codec of codecs) {
        // tinybench's loop never yields to the event loop, so a signal is heard only here, between codecs.
        await new Promise((resolve) => setImmediate(resolve));
        if (signals.interrupted()) {
          console.error('stallbench codecs: interrupted; nothing written');
          return 130;
        }
        process.stderr.write(`  ${codec.name} at ${size.batch} x ${size.seqLen}\n`);
        rows.push(...(await benchCodec(codec, payload, size, { timeMs, iterations: values.quick ? 3 : 10, warmupMs: timeMs / 5 })));
      }
    }
  } finally {
    for (const codec of codecs) codec.dispose?.();
  }
  const { text, dropped } = fitTable(CODEC_TABLE_HEADER, codecTableRows(rows));
  console.log(text);
  if (dropped > 0) console.log(`(${dropped} columns did not fit the terminal; --out writes every figure)`);
  if (values.out !== undefined) {
    const file: CodecResultsFile = { schemaVersion: CODEC_SCHEMA_VERSION, context, rows };
    writeFileAtomic(values.out, `${JSON.stringify(file, null, 1)}\n`);
  }
  return 0;
}

// In-process encode/decode benchmark of every codec: `npm run bench:codecs -- --help`.
import { parseArgs } from 'node:util';
import { runMain } from './run-main.js';
import { benchCodec, type CodecBenchRow } from '../src/bench/codecs.js';
import { parseSizes } from '../src/bench/sizes.js';
import { createCodec, listCodecs } from '../src/codecs/registry.js';
import { OptionsError } from '../src/errors.js';
import { collectRunContext } from '../src/harness/context.js';
import { generateCtxMeta } from '../src/payload/generate.js';
import { CODEC_TABLE_HEADER, codecTableRows } from '../src/report/codec-table.js';
import { textTable } from '../src/report/format.js';
import { writeFileAtomic } from '../src/report/write-atomic.js';

const HELP = `usage: npm run bench:codecs -- [options]
  --codecs a,b     codecs to run (default: all: ${listCodecs().join(', ')})
  --sizes BxS,...  payload sizes (default: 64x512,64x4096,64x32768)
  --time MS        minimum sampling time per operation (default: 500)
  --quick          small sizes and short timing, for smoke tests
  --out FILE       also write the rows and run context as JSON
  --help           this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      codecs: { type: 'string' },
      sizes: { type: 'string' },
      time: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const names = values.codecs?.split(',') ?? listCodecs();
  const sizes = parseSizes(values.sizes ?? (values.quick ? '8x256,64x1024' : '64x512,64x4096,64x32768'));
  const timeMs = Number(values.time ?? (values.quick ? 50 : 500));
  if (!Number.isFinite(timeMs) || timeMs <= 0) throw new OptionsError('time', 'must be a positive number of ms');
  const codecs = names.map((name) => createCodec(name));
  const context = collectRunContext();
  console.log(`stallbench codecs on ${context.cpuModel} (${context.cores} cores), Node ${context.node}, ${context.date}`);
  const rows: CodecBenchRow[] = [];
  for (const size of sizes) {
    const payload = generateCtxMeta({ ...size, seed: 1 });
    for (const codec of codecs) {
      process.stderr.write(`  ${codec.name} at ${size.batch} x ${size.seqLen}\n`);
      rows.push(await benchCodec(codec, payload, size, { timeMs, iterations: values.quick ? 3 : 10, warmupMs: timeMs / 5 }));
    }
  }
  for (const codec of codecs) codec.dispose?.();
  console.log(textTable(CODEC_TABLE_HEADER, codecTableRows(rows)));
  if (values.out !== undefined) writeFileAtomic(values.out, `${JSON.stringify({ schemaVersion: 1, context, rows }, null, 2)}\n`);
}

runMain('codecs', main);

// measureStall from the command line: `npm run stall -- --help`.
import { parseArgs } from 'node:util';
import { runMain } from './run-main.js';
import { listCodecs } from '../src/codecs/registry.js';
import { OptionsError } from '../src/errors.js';
import { measureStall } from '../src/model/measure-stall.js';
import { generateCtxMeta } from '../src/payload/generate.js';
import { formatStallReport } from '../src/report/stall-report.js';
import { checkStrategy } from '../src/strategies/strategies.js';
import { writeFileAtomic } from '../src/report/write-atomic.js';

const HELP = `usage: npm run stall -- [options]
  --codec NAME       one of ${listCodecs().join(', ')} (default: msgpack-boxed)
  --strategy NAME    full, new-slots, no-slots or delta (default: full)
  --batch N          requests (default: 64)
  --seq-len N        context length (default: 4096)
  --tp N             TP size to project onto (default: 4)
  --step-ms MS       GPU step time (default: 24.5, LLaMA 70B TP4 H100)
  --overlap          the engine overlaps scheduling with the GPU step
  --no-ipc           encode/decode/derive in this process only
  --json             print the report as JSON
  --out FILE         also write the report and this command as JSON (npm run report shows it in the README)
  --help             this text`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      codec: { type: 'string', default: 'msgpack-boxed' },
      strategy: { type: 'string', default: 'full' },
      batch: { type: 'string', default: '64' },
      'seq-len': { type: 'string', default: '4096' },
      tp: { type: 'string', default: '4' },
      'step-ms': { type: 'string' },
      overlap: { type: 'boolean', default: false },
      'no-ipc': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const number = (name: string, text: string): number => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) throw new OptionsError(name, `'${text}' is not a number`);
    return n;
  };
  const payload = generateCtxMeta({ batch: number('batch', values.batch), seqLen: number('seq-len', values['seq-len']), seed: 1 });
  const report = await measureStall(payload, values.codec, {
    strategy: checkStrategy(values.strategy),
    tp: number('tp', values.tp),
    overlap: values.overlap,
    transport: values['no-ipc'] ? 'none' : 'ipc',
    ...(values['step-ms'] !== undefined ? { stepMs: number('step-ms', values['step-ms']) } : {}),
  });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatStallReport(report));
  if (values.out !== undefined) {
    const command = `npm run stall -- ${process.argv.slice(2).filter((a, i, all) => a !== '--out' && all[i - 1] !== '--out').join(' ')}`.trim();
    writeFileAtomic(values.out, `${JSON.stringify({ schemaVersion: 1, kind: 'stall', command, report }, null, 1)}\n`);
  }
}

runMain('stall', main);

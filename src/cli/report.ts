import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../harness/write-atomic.js';
import { OptionsError } from '../errors.js';
import { buildReadme } from '../report/readme.js';
import { BASELINE_SCHEMA_VERSION, type BaselinePointer } from '../report/repro-section.js';
import { readSweep } from '../report/sweep-results.js';

/** Help text of `stallbench report`. */
export const REPORT_HELP = `usage: stallbench report [--results DIR] [--readme FILE]

Regenerates the README's tables and the charts from a results folder: the sweep (required, via DIR/latest.json),
and codecs.json, ipc.json, stall-example.json, transports/latest.json, transports-spin/latest.json and baseline.json
where they exist. Sections are written between <!-- stallbench:NAME:start --> and <!-- stallbench:NAME:end -->
markers; a README that does not exist is created with every section's markers.

  --results DIR     results folder (default: results)
  --readme FILE     markdown file to update (default: README.md)
  --baseline FILE   an earlier sweep in that folder to compare the newest with: writes DIR/baseline.json,
                    and the 'repro' section (rows ~ or within ±10%) is generated from then on
  --help            this text`;

/** Runs `stallbench report`; returns the exit code. */
export async function reportCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      results: { type: 'string', default: 'results' },
      readme: { type: 'string', default: 'README.md' },
      baseline: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(REPORT_HELP);
    return 0;
  }
  if (values.baseline !== undefined) {
    // Checked before the pointer is written: a bad baseline leaves the folder as it was.
    const path = relative(values.results, resolve(values.baseline));
    if (path.startsWith('..')) throw new OptionsError('baseline', `${values.baseline} is not inside ${values.results}`);
    readSweep(join(values.results, path));
    const pointer: BaselinePointer = { schemaVersion: BASELINE_SCHEMA_VERSION, json: path };
    writeFileAtomic(join(values.results, 'baseline.json'), `${JSON.stringify(pointer, null, 2)}\n`);
  }
  // The README's companions: the full tables, the method and the Python system live in docs/ beside it.
  const companions = ['results.md', 'python.md', 'method.md'].map((name) => join(dirname(values.readme), 'docs', name));
  const built = await buildReadme(values.readme, values.results, companions);
  for (const [name, svg] of Object.entries(built.charts)) if (svg !== '') writeFileAtomic(join(values.results, 'charts', name), svg);
  writeFileAtomic(values.readme, built.readme);
  for (const doc of built.documents) writeFileAtomic(doc.path, doc.text);
  console.log(`${values.readme}: regenerated ${built.written.join(', ')} from ${built.sweepPath}; charts in ${join(values.results, 'charts')}`);
  if (built.skipped.length > 0) console.log(`left as they were: ${built.skipped.join('; ')}`);
  return 0;
}

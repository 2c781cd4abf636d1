import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '../harness/write-atomic.js';
import { buildReadme } from '../report/readme.js';

/** Help text of `stallbench report`. */
export const REPORT_HELP = `usage: stallbench report [--results DIR] [--readme FILE]

Regenerates the README's tables and the charts from a results folder: the sweep (required, via DIR/latest.json),
and codecs.json, ipc.json and stall-example.json where they exist. Sections are written between
<!-- stallbench:NAME:start --> and <!-- stallbench:NAME:end --> markers; a README that does not exist is created
with every section's markers.

  --results DIR   results folder (default: results)
  --readme FILE   markdown file to update (default: README.md)
  --help          this text`;

/** Runs `stallbench report`; returns the exit code. */
export async function reportCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { results: { type: 'string', default: 'results' }, readme: { type: 'string', default: 'README.md' }, help: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(REPORT_HELP);
    return 0;
  }
  const built = await buildReadme(values.readme, values.results);
  for (const [name, svg] of Object.entries(built.charts)) if (svg !== '') writeFileAtomic(join(values.results, 'charts', name), svg);
  writeFileAtomic(values.readme, built.readme);
  console.log(`${values.readme}: regenerated ${built.written.join(', ')} from ${built.sweepPath}; charts in ${join(values.results, 'charts')}`);
  if (built.skipped.length > 0) console.log(`left as they were: ${built.skipped.join('; ')}`);
  return 0;
}

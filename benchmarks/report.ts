// Regenerates the README's generated sections from results files: `npm run report`.
import { readFileSync } from 'node:fs';
import { codecSection, type CodecResultsFile } from '../src/report/codec-section.js';
import { replaceSection, ReportError } from '../src/report/readme-sections.js';
import { readResultsFile } from '../src/report/results-file.js';
import { writeFileAtomic } from '../src/report/write-atomic.js';

const README = 'README.md';
const CODEC_RESULTS = process.argv[2] ?? 'results/codecs.json';

try {
  const codecs = readResultsFile<CodecResultsFile>(CODEC_RESULTS, 1, 'codec');
  // Everything is computed before the README is touched, so a bad input leaves it as it was.
  const updated = replaceSection(readFileSync(README, 'utf8'), 'codecs', codecSection(codecs, CODEC_RESULTS));
  writeFileAtomic(README, updated);
  console.log(`README.md: codecs section from ${CODEC_RESULTS} (${codecs.rows.length} rows)`);
} catch (error) {
  if (!(error instanceof ReportError)) throw error;
  console.error(`stallbench report: ${error.message}`);
  process.exit(1);
}

// Regenerates the README's generated sections from results files: `npm run report`.
import { readFileSync } from 'node:fs';
import { codecSection, type CodecResultsFile } from '../src/report/codec-section.js';
import { ipcSection, type IpcResultsFile } from '../src/report/ipc-section.js';
import { replaceSection, ReportError } from '../src/report/readme-sections.js';
import { readResultsFile } from '../src/report/results-file.js';
import { writeFileAtomic } from '../src/report/write-atomic.js';

const README = 'README.md';
const CODEC_RESULTS = 'results/codecs.json';
const IPC_RESULTS = 'results/ipc.json';

try {
  const codecs = readResultsFile<CodecResultsFile>(CODEC_RESULTS, 1, 'codec');
  const ipc = readResultsFile<IpcResultsFile>(IPC_RESULTS, 1, 'broadcast');
  // Everything is computed before the README is touched, so a bad input leaves it as it was.
  let readme = readFileSync(README, 'utf8');
  readme = replaceSection(readme, 'codecs', codecSection(codecs, CODEC_RESULTS));
  readme = replaceSection(readme, 'ipc', ipcSection(ipc, IPC_RESULTS));
  writeFileAtomic(README, readme);
  console.log(`README.md: codecs from ${CODEC_RESULTS} (${codecs.rows.length} rows), broadcast from ${IPC_RESULTS} (${ipc.rows.length} rows)`);
} catch (error) {
  if (!(error instanceof ReportError)) throw error;
  console.error(`stallbench report: ${error.message}`);
  process.exit(1);
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StallReport } from '../model/measure-stall.js';
import { renderCharts, type ChartSet } from './charts.js';
import { codecSection, type CodecResultsFile } from './codec-section.js';
import { ipcSection, type IpcResultsFile } from './ipc-section.js';
import { replaceSection } from './readme-sections.js';
import { readResultsFile } from './results-file.js';
import { formatStallReport } from './stall-report.js';
import { pickleSection, storySection, sweepTableSection } from './sweep-section.js';
import { readLatestSweep } from './sweep-results.js';

/** What `npm run stall -- --out` writes: one report and the command that made it. */
export interface StallExampleFile {
  schemaVersion: 1;
  kind: 'stall';
  command: string;
  report: StallReport;
}

/** The README's generated sections rebuilt from the results folder, and the charts; nothing is written here. */
export async function buildReadme(readmePath: string, resultsDir: string): Promise<{ readme: string; charts: ChartSet; sweepPath: string }> {
  // Every input is read and checked first, so a bad results file leaves the README and charts as they were.
  const { results: sweep, path: sweepPath } = readLatestSweep(join(resultsDir, 'latest.json'));
  const codecs = readResultsFile<CodecResultsFile>(join(resultsDir, 'codecs.json'), 1, 'codec');
  const ipc = readResultsFile<IpcResultsFile>(join(resultsDir, 'ipc.json'), 1, 'broadcast');
  const example = readResultsFile<StallExampleFile>(join(resultsDir, 'stall-example.json'), 1, 'stall');
  const charts = await renderCharts(sweep);
  let readme = readFileSync(readmePath, 'utf8');
  readme = replaceSection(readme, 'sweep', sweepTableSection(sweep, sweepPath));
  readme = replaceSection(readme, 'story', storySection(sweep, 'msgpack-boxed'));
  readme = replaceSection(readme, 'pickle', pickleSection(sweep));
  readme = replaceSection(readme, 'stall-example', `\`\`\`console\n$ ${example.command}\n${formatStallReport(example.report)}\n\`\`\``);
  readme = replaceSection(readme, 'codecs', codecSection(codecs, join(resultsDir, 'codecs.json')));
  readme = replaceSection(readme, 'ipc', ipcSection(ipc, join(resultsDir, 'ipc.json')));
  return { readme, charts, sweepPath };
}

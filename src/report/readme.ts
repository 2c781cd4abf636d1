import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunContext } from '../harness/context.js';
import type { SystemCheck } from '../harness/system-check.js';
import type { StallRow } from '../run/row.js';
import { renderCharts, type ChartSet } from './charts.js';
import { decisionSection } from './decision-section.js';
import { codecSection, CODEC_SCHEMA_VERSION, type CodecResultsFile } from './codec-section.js';
import { ipcSection, IPC_SCHEMA_VERSION, type IpcResultsFile } from './ipc-section.js';
import { hasSection, replaceSection } from './readme-sections.js';
import { readResultsFile } from './results-file.js';
import { gateSection, GATE_SCHEMA_VERSION, type GateResultsFile } from './gate-section.js';
import { pythonEngineSection } from './python-engine-section.js';
import { seedSection } from './seed-section.js';
import { formatStallReport } from './stall-report.js';
import { pickleSection, storySection, sweepTableSection, transportSection } from './sweep-section.js';
import { BASELINE_SCHEMA_VERSION, reproSection, type BaselinePointer } from './repro-section.js';
import { checkSweep, readLatestSweep, SWEEP_SCHEMA_VERSION, type SweepResultsFile } from './sweep-results.js';

/** Version of the stall example file's schema. */
export const STALL_EXAMPLE_SCHEMA_VERSION = 3;

/** What `stallbench stall --out` writes: one report and the command that made it. */
export interface StallExampleFile {
  schemaVersion: typeof STALL_EXAMPLE_SCHEMA_VERSION;
  kind: 'stall';
  command: string;
  context: RunContext;
  /** The machine's state before the run (checkSystem); absent from files made before it was recorded. */
  system?: SystemCheck;
  row: StallRow;
}

/** The generated sections of the README and its docs rebuilt from a results folder, and the charts; nothing is written here. */
export interface BuiltReadme {
  /** The README's new text, and each companion document's (docs/*.md) that exists, by path. */
  readme: string;
  documents: { path: string; text: string }[];
  charts: ChartSet;
  sweepPath: string;
  /** Sections regenerated. */
  written: string[];
  /** Sections left as they were, and why (an optional results file or the README's markers are missing). */
  skipped: string[];
}

/** A document holding every section's markers, for a README that does not exist yet. */
function blankReadme(): string {
  const section = (name: string, title: string): string => `## ${title}\n\n<!-- stallbench:${name}:start -->\n<!-- stallbench:${name}:end -->\n`;
  return [
    '# stallbench results\n',
    section('decision', 'The decision at a glance'),
    section('sweep', 'Stall per step'),
    section('story', 'Full slots against no-slots and delta'),
    section('seed', "The seed's system, measured"),
    section('pickle', 'pickle inside Python'),
    section('stall-example', 'One measureStall report'),
    section('codecs', 'Encode and decode in one process'),
    section('ipc', 'Broadcast to real rank processes'),
    section('repro', 'Run to run'),
    section('gate', 'The gate\'s error rates'),
    section('transports', 'Transports side by side'),
    section('transports-spin', 'Transports side by side, ranks spinning'),
    '![stall per step vs seq_len](charts/stall-vs-seqlen.svg)\n',
  ].join('\n');
}

/**
 * Rebuilds every section whose results exist and whose markers the README has. The sweep is required; the codec, ipc
 * and stall example files are optional (a user's own run may have only the sweep). Every input is read and checked
 * before anything is returned, so a bad file leaves the README and charts as they were.
 */
export async function buildReadme(readmePath: string, resultsDir: string, companions: readonly string[] = []): Promise<BuiltReadme> {
  const { results: sweep, path: sweepPath } = readLatestSweep(join(resultsDir, 'latest.json'));
  const optional = <T extends { schemaVersion: number }>(file: string, version: number, kind: string): T | null =>
    existsSync(join(resultsDir, file)) ? readResultsFile<T>(join(resultsDir, file), version, kind) : null;
  const codecs = optional<CodecResultsFile>('codecs.json', CODEC_SCHEMA_VERSION, 'codec');
  const ipc = optional<IpcResultsFile>('ipc.json', IPC_SCHEMA_VERSION, 'broadcast');
  const example = optional<StallExampleFile>('stall-example.json', STALL_EXAMPLE_SCHEMA_VERSION, 'stall');
  const baseline = optional<BaselinePointer>('baseline.json', BASELINE_SCHEMA_VERSION, 'baseline');
  const gate = optional<GateResultsFile>('gate.json', GATE_SCHEMA_VERSION, 'gate');
  const earlier =
    baseline === null ? null : checkSweep(readResultsFile<SweepResultsFile>(join(resultsDir, baseline.json), SWEEP_SCHEMA_VERSION, 'sweep'), join(resultsDir, baseline.json));
  const sweepIn = (folder: string): ReturnType<typeof readLatestSweep> | null =>
    existsSync(join(resultsDir, folder, 'latest.json')) ? readLatestSweep(join(resultsDir, folder, 'latest.json')) : null;
  const transports = sweepIn('transports');
  const spinning = sweepIn('transports-spin');
  const waits = sweepIn('waits');
  const tcp = sweepIn('tcp');
  const enginePlain = sweepIn(join('engine', 'plain'));
  const engineReplay = sweepIn(join('engine', 'replay'));
  const charts = await renderCharts(sweep);
  const sections: [string, string | null, string][] = [
    ['decision', decisionSection(sweep), ''],
    ['sweep', sweepTableSection(sweep, sweepPath), ''],
    ['story', storySection(sweep, 'msgpack-boxed'), ''],
    ['seed', seedSection(sweep), ''],
    ['pickle', pickleSection(sweep), ''],
    ['stall-example', example === null ? null : `\`\`\`console\n$ ${example.command}\n${formatStallReport(example.row)}\n\`\`\``, 'stall-example.json'],
    ['codecs', codecs === null ? null : codecSection(codecs, join(resultsDir, 'codecs.json')), 'codecs.json'],
    ['ipc', ipc === null ? null : ipcSection(ipc, join(resultsDir, 'ipc.json')), 'ipc.json'],
    ['transports', transports === null ? null : transportSection(transports.results, transports.path), join('transports', 'latest.json')],
    ['transports-spin', spinning === null ? null : transportSection(spinning.results, spinning.path), join('transports-spin', 'latest.json')],
    ['waits', waits === null ? null : transportSection(waits.results, waits.path), join('waits', 'latest.json')],
    ['tcp', tcp === null ? null : transportSection(tcp.results, tcp.path), join('tcp', 'latest.json')],
    ['python-engine', enginePlain === null ? null : pythonEngineSection(enginePlain, engineReplay), join('engine', 'plain', 'latest.json')],
    ['gate', gate === null ? null : gateSection(gate, join(resultsDir, 'gate.json')), 'gate.json'],
    ['repro', earlier === null || baseline === null ? null : reproSection(earlier, sweep, { a: join(resultsDir, baseline.json), b: sweepPath }), 'baseline.json'],
  ];
  // Sections may sit in the README or in any companion document that exists; each is written wherever its markers are.
  const texts = [
    { path: readmePath, text: existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : blankReadme() },
    ...companions.filter((path) => existsSync(path)).map((path) => ({ path, text: readFileSync(path, 'utf8') })),
  ];
  const written: string[] = [];
  const skipped: string[] = [];
  for (const [name, content, file] of sections) {
    if (content === null) {
      skipped.push(`${name} (no ${join(resultsDir, file)})`);
      continue;
    }
    const holders = texts.filter((doc) => hasSection(doc.text, name));
    if (holders.length === 0) skipped.push(`${name} (no markers in ${texts.map((doc) => doc.path).join(', ')})`);
    for (const doc of holders) doc.text = replaceSection(doc.text, name, content);
    if (holders.length > 0) written.push(name);
  }
  const [readme, ...documents] = texts;
  return { readme: readme?.text ?? '', documents, charts, sweepPath, written, skipped };
}

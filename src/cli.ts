#!/usr/bin/env node
// The stallbench command: dispatches to a subcommand (the sweep by default). The only module tree that prints or exits.
import { ReportError } from './report/readme-sections.js';
import { CodecModuleError } from './codecs/module.js';
import { MessageFileError } from './message/errors.js';
import { CodecMismatchError } from './model/gate.js';
import { isUsageError } from './cli/args.js';
import { codecsCommand, CODECS_HELP } from './cli/codecs.js';
import { compareCommand, COMPARE_HELP } from './cli/compare.js';
import { ipcCommand, IPC_HELP } from './cli/ipc.js';
import { reportCommand, REPORT_HELP } from './cli/report.js';
import { stallCommand, STALL_HELP } from './cli/stall.js';
import { sweepCommand, SWEEP_HELP } from './cli/sweep.js';

const COMMANDS: Record<string, { run: (args: string[]) => number | Promise<number>; help: string }> = {
  sweep: { run: sweepCommand, help: SWEEP_HELP },
  report: { run: reportCommand, help: REPORT_HELP },
  compare: { run: compareCommand, help: COMPARE_HELP },
  codecs: { run: codecsCommand, help: CODECS_HELP },
  ipc: { run: ipcCommand, help: IPC_HELP },
  stall: { run: stallCommand, help: STALL_HELP },
};

const OVERVIEW = `usage: stallbench [command] [options]    (stallbench COMMAND --help for each)

  sweep     (default) every codec × strategy × seq_len at tp=2 with real processes; results, charts, summary
  report    regenerate a README's tables and the charts from a results folder
  compare   compare two sweep results row by row (medians, intervals, Mann–Whitney U)
  codecs    encode/decode of every codec in this process, in each allocation regime
  ipc       full payloads broadcast to real rank processes, against the floor
  stall     measureStall for one codec and strategy

${SWEEP_HELP}`;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const named = first !== undefined && Object.hasOwn(COMMANDS, first);
  const command = named ? (COMMANDS[first] ?? null) : null;
  if (!named && (first === '--help' || first === '-h')) {
    console.log(OVERVIEW);
    return 0;
  }
  try {
    return command !== null ? await command.run(rest) : await sweepCommand(argv);
  } catch (error) {
    const usage = isUsageError(error) || error instanceof CodecModuleError || error instanceof MessageFileError || (first === 'compare' && error instanceof ReportError);
    if (usage || error instanceof ReportError || error instanceof CodecMismatchError) {
      // One line, whatever the parser wrote: scripts read the first line of stderr.
      console.error(`stallbench${named ? ` ${first}` : ''}: ${(error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ')}`);
      return usage ? 2 : 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// The stallbench command: dispatches to a subcommand (the sweep by default). The only module tree that prints or exits.
import { isUsageError } from './cli/args.js';
import { codecsCommand, CODECS_HELP } from './cli/codecs.js';
import { compareCommand, COMPARE_HELP } from './cli/compare.js';
import { argsOf, loadDefinition, packagedDefinition, type Suite } from './cli/definition.js';
import { exitCodeFor, signalReceived, watchSignals } from './cli/interrupt.js';
import { ipcCommand, IPC_HELP } from './cli/ipc.js';
import { reportCommand, REPORT_HELP } from './cli/report.js';
import { stallCommand, STALL_HELP } from './cli/stall.js';
import { sweepCommand, SWEEP_HELP } from './cli/sweep.js';
import { checkCommand, CHECK_HELP } from './cli/check.js';
import { rankCommand, RANK_HELP } from './cli/rank.js';
import { StallbenchError } from './errors.js';

const SUITES: Record<Suite, (args: string[]) => Promise<number>> = { sweep: sweepCommand, codecs: codecsCommand, ipc: ipcCommand };

const RUN_HELP = `usage: stallbench run FILE [options]

Runs a benchmark definition: an ES module whose default export names a suite (sweep, codecs or ipc) and its settings,
as benchmarks/sweep.mjs, benchmarks/codecs.mjs, benchmarks/ipc.mjs and benchmarks/transports.mjs do. Copy one to define
a run of your own. Its settings are the suite's flags; flags given here win over the file, and --quick also applies the
file's 'quick' block. 'stallbench run FILE --help' shows the suite's flags.`;

/** Runs a suite from a definition file, the user's flags after (and over) the file's. */
async function runDefinition(path: string | undefined, args: string[]): Promise<number> {
  if (path === undefined || path === '--help' || path === '-h') {
    console.log(RUN_HELP);
    return path === undefined ? 2 : 0;
  }
  const definition = await loadDefinition(path);
  return SUITES[definition.suite](argsOf(definition, args));
}

/** A suite run from the definition stallbench ships, as `npm run bench` does. */
const packaged = (suite: Suite) => async (args: string[]) => SUITES[suite](argsOf(await loadDefinition(packagedDefinition(suite)), args));

const COMMANDS: Record<string, { run: (args: string[]) => number | Promise<number>; help: string }> = {
  sweep: { run: packaged('sweep'), help: SWEEP_HELP },
  run: { run: ([path, ...rest]) => runDefinition(path, rest), help: RUN_HELP },
  report: { run: reportCommand, help: REPORT_HELP },
  compare: { run: compareCommand, help: COMPARE_HELP },
  codecs: { run: packaged('codecs'), help: CODECS_HELP },
  ipc: { run: packaged('ipc'), help: IPC_HELP },
  stall: { run: stallCommand, help: STALL_HELP },
  check: { run: checkCommand, help: CHECK_HELP },
  // Rank 0 runs its command through main, as if it had been typed alone.
  rank: { run: (args) => rankCommand(args, main), help: RANK_HELP },
};

const OVERVIEW = `usage: stallbench [command] [options]    (stallbench COMMAND --help for each)

  sweep     (default) every codec × strategy × seq_len at tp=2 with real processes; results, charts, summary
  run FILE  a benchmark definition (benchmarks/*.mjs, or your copy of one)
  report    regenerate the README's and docs' tables and the charts from a results folder
  compare   compare two sweep results row by row (medians, intervals, Mann–Whitney U)
  codecs    encode/decode of every codec in this process, in each allocation regime
  ipc       full payloads broadcast to real rank processes, against the floor
  stall     measureStall for one codec and strategy
  check     what the machine is doing and how it is set, as a run sees it before it starts
  rank      one process of a world started by mpirun, srun, torchrun or a shell per host (tcp ranks on other hosts)

${SWEEP_HELP}`;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const named = first !== undefined && Object.hasOwn(COMMANDS, first);
  const command = named ? (COMMANDS[first] ?? null) : null;
  if (!named && (first === '--help' || first === '-h')) {
    console.log(OVERVIEW);
    return 0;
  }
  // One line, whatever the parser wrote: scripts read the first line of stderr.
  const line = (text: string): string => `stallbench${named ? ` ${first}` : ''}: ${text.replace(/\s*\n\s*/g, ' ')}`;
  try {
    const code = command !== null ? await command.run(rest) : await packaged('sweep')(argv);
    const signal = signalReceived();
    return signal === null ? code : exitCodeFor(signal);
  } catch (error) {
    const signal = signalReceived();
    // Whatever a signal broke on its way out (a socket mid-connect, a child mid-start) is the signal's doing, not a failure.
    if (signal !== null) {
      console.error(line(`interrupted by ${signal}; everything it started has been stopped`));
      return exitCodeFor(signal);
    }
    if (error instanceof StallbenchError) {
      console.error(line(error.message));
      return error.cliExitCode;
    }
    if (isUsageError(error)) {
      console.error(line(error instanceof Error ? error.message : String(error)));
      return 2;
    }
    throw error;
  }
}

watchSignals();
process.exitCode = await main(process.argv.slice(2));

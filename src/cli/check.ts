import { parseArgs } from 'node:util';
import { checkSystem, formatSystemCheck } from '../harness/system-check.js';
import { positiveInt } from './args.js';

export const CHECK_HELP = `usage: stallbench check [--processes N] [--json]

Looks at the machine as a run would before it starts: cores against the processes a row runs, the load average, how
busy other processes keep the CPU, the frequency governor and turbo where readable, and the clocksource with what one
clock read costs. Each thing that will make figures worse or less comparable is a warning. The sweep prints the same
block at its start and records it in its results.

  --processes N   processes a row runs (default 3: this one, a Python scheduler and a rank)
  --json          the check as JSON
  --help          this text`;

/** Runs the check command; returns the exit code (0: checked, whatever it warns about). */
export async function checkCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { processes: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log(CHECK_HELP);
    return 0;
  }
  const check = await checkSystem({ processes: positiveInt('processes', values.processes ?? '3', 1024) });
  console.log(values.json ? JSON.stringify(check, null, 1) : formatSystemCheck(check));
  return 0;
}

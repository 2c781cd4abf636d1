import { parseArgs } from 'node:util';
import { compareResults, formatComparison, regressions } from '../report/compare.js';
import { readSweep, type SweepResultsFile } from '../report/sweep-results.js';
import { OptionsError } from '../errors.js';
import { nonNegativeNumber, positiveNumber } from './args.js';

/** Help text of `stallbench compare`. */
export const COMPARE_HELP = `usage: stallbench compare A B [--fail-above PCT] [--alpha P] [--noise PCT]

Compares two sweep results (a sweep-*.json file, a latest.json, or a results folder) row by row, benchstat's way:
each row's median stall with its 95% interval in A and in B (the figure the sweep prints), the change, and a
two-sided Mann–Whitney U test on independent samples: launch medians with --repeat 6 or more, else block medians.
A row with fewer than 6 blocks in a run (a --quick run has 8) is '?': steps of one block are not independent.
The p-values are Holm-corrected over the tested rows, so comparing a run with an identical one flags any row with
probability at most alpha. '~': not significant, or a change under the noise threshold. Rows in only one file,
and settings that differ, are listed.

  --fail-above PCT  exit 1 when any row is significantly slower in B by more than PCT percent, when a row
                    of A is missing from B, or when B is an interrupted run (for CI against a baseline)
  --alpha P         family-wise significance level over the rows (default: 0.05)
  --noise PCT       changes smaller than this are '~' even when significant (default: 1)
  --help            this text`;

/** Settings two sweeps must share for their rows to mean the same thing, by name, where they differ. */
function settingsThatDiffer(a: SweepResultsFile, b: SweepResultsFile): string[] {
  const pick = (r: SweepResultsFile): Record<string, unknown> => ({
    finishRate: r.options.finishRate,
    blockSize: r.options.blockSize ?? 16,
    samples: r.options.sampling.samples,
    blocks: r.options.sampling.blocks,
    cores: r.context.cores,
    cpu: r.context.cpuModel,
    node: r.context.node,
  });
  const [x, y] = [pick(a), pick(b)];
  return Object.keys(x).filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]));
}

/** Runs `stallbench compare`; returns the exit code. */
export function compareCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { 'fail-above': { type: 'string' }, alpha: { type: 'string' }, noise: { type: 'string' }, help: { type: 'boolean', default: false } },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    console.log(COMPARE_HELP);
    return 0;
  }
  if (positionals.length !== 2) throw new OptionsError('compare', `needs two results files, got ${positionals.length}`);
  const alpha = values.alpha === undefined ? 0.05 : positiveNumber('alpha', values.alpha);
  if (alpha >= 1) throw new OptionsError('alpha', `'${values.alpha}' is not below 1`);
  const failAbove = values['fail-above'] === undefined ? null : positiveNumber('fail-above', values['fail-above']);
  const noisePercent = values.noise === undefined ? 1 : nonNegativeNumber('noise', values.noise);
  const [pathA, pathB] = positionals as [string, string];
  const a = readSweep(pathA);
  const b = readSweep(pathB);
  const comparison = compareResults(a.results, b.results, { alpha, noisePercent });
  console.log(formatComparison(comparison, { a: 'A', b: 'B' }));
  console.log(`A: ${a.path}\nB: ${b.path}`);
  const differing = settingsThatDiffer(a.results, b.results);
  if (differing.length > 0) console.log(`note: the runs differ in ${differing.join(', ')}: rows are compared as keyed, settings aside`);
  if (failAbove !== null) {
    const bad = regressions(comparison, failAbove);
    const problems = [
      ...(bad.length > 0 ? [`${bad.length} rows significantly slower by more than ${failAbove}%: ${bad.map((r) => r.key).join('; ')}`] : []),
      ...(comparison.onlyInA.length > 0 ? [`${comparison.onlyInA.length} rows of A missing from B`] : []),
      ...(b.results.complete ? [] : ['B is an interrupted run']),
    ];
    if (problems.length > 0) {
      console.log(problems.join('\n'));
      return 1;
    }
  }
  return 0;
}

import type { RunContext } from '../harness/context.js';

/** One line saying where a table's numbers came from: date, machine, runtime, commit, results file. */
export function provenance(c: RunContext, source: string): string {
  const commit = `${c.gitCommit?.slice(0, 10) ?? 'unknown'}${c.gitDirty === true ? ' (uncommitted changes)' : ''}`;
  return `Measured ${c.date.slice(0, 10)} on ${c.cpuModel} (${c.cores} cores, ${c.memoryGiB} GiB), Node ${c.node}, commit ${commit}; from \`${source}\`.`;
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/** Where a set of numbers came from: machine, runtime, library versions and source revision. */
export interface RunContext {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  v8: string;
  packages: Record<string, string>;
  gitCommit: string | null;
  gitDirty: boolean | null;
}

const MEASURED_PACKAGES = ['stallbench', 'msgpackr', 'cbor-x', 'flatbuffers', 'protobufjs', 'tinybench', 'zeromq', 'shm-typed-array'];

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  try {
    const path = name === 'stallbench' ? new URL('../../package.json', import.meta.url) : require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unavailable';
  }
}

function git(args: string[]): string | null {
  try {
    // Asked in the package's own folder, so the commit is stallbench's and not the caller's project.
    const cwd = fileURLToPath(new URL('../..', import.meta.url));
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Collects the run context; never throws, marking what it cannot learn. */
export function collectRunContext(): RunContext {
  const cpus = os.cpus();
  // Outputs (results/, the generated README) do not make the source dirty; edits to code do.
  const status = git(['status', '--porcelain', '--untracked-files=no', '--', '.', ':!results', ':!README.md']);
  return {
    date: new Date().toISOString(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
    v8: process.versions.v8,
    packages: Object.fromEntries(MEASURED_PACKAGES.map((name) => [name, packageVersion(name)])),
    gitCommit: git(['rev-parse', 'HEAD']),
    gitDirty: status === null ? null : status.length > 0,
  };
}

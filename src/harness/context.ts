import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNativeAccelerationEnabled as cborNative } from 'cbor-x';
import { isNativeAccelerationEnabled as msgpackNative } from 'msgpackr';
import { createPosixBackend } from '../shm/region.js';

/** Where a set of numbers came from: machine, load, runtime, allocator, library versions and source revision. */
export interface RunContext {
  date: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  /** 1, 5 and 15 minute load averages when the run started: a busy machine inflates every figure. */
  loadAverage: [number, number, number];
  node: string;
  v8: string;
  /** glibc's version and the malloc settings in the environment: they decide when a fresh buffer costs page faults. */
  allocator: { glibc: string | null; settings: Record<string, string> };
  /** Every runtime dependency's installed version. */
  packages: Record<string, string>;
  /** Native add-ons: whether each one loaded (a pure-JS fallback is slower). */
  nativeAddons: Record<string, boolean>;
  gitCommit: string | null;
  gitDirty: boolean | null;
}

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The version in a package's own package.json, found from its entry point (some packages do not export package.json). */
function packageVersion(name: string): string {
  try {
    const require = createRequire(join(PACKAGE_ROOT, 'package.json'));
    let dir = dirname(require.resolve(name));
    for (;;) {
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest)) {
        const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
        if (parsed.name === name && typeof parsed.version === 'string') return parsed.version;
      }
      const up = dirname(dir);
      if (up === dir) return 'unavailable';
      dir = up;
    }
  } catch {
    return 'unavailable';
  }
}

function ownManifest(): { version: string; dependencies: Record<string, string> } {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
}

function git(args: string[]): string | null {
  try {
    // Asked in the package's own folder, so the commit is stallbench's and not the caller's project.
    return execFileSync('git', args, { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function glibcVersion(): string | null {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ?? null;
}

/** Collects the run context; never throws, marking what it cannot learn. */
export function collectRunContext(): RunContext {
  const cpus = os.cpus();
  const manifest = ownManifest();
  // Outputs (results, the generated README and docs) do not make the source dirty; edits to code do.
  const status = git(['status', '--porcelain', '--untracked-files=no', '--', '.', ':!results', ':!docs', ':!README.md']);
  const [one, five, fifteen] = os.loadavg();
  return {
    date: new Date().toISOString(),
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: [one ?? 0, five ?? 0, fifteen ?? 0],
    node: process.versions.node,
    v8: process.versions.v8,
    allocator: {
      glibc: glibcVersion(),
      settings: Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('MALLOC_') || key === 'GLIBC_TUNABLES') as [string, string][]),
    },
    packages: { stallbench: manifest.version, ...Object.fromEntries(Object.keys(manifest.dependencies).map((name) => [name, packageVersion(name)])) },
    nativeAddons: { 'msgpackr-extract': msgpackNative, 'cbor-extract': cborNative, 'shm-typed-array': createPosixBackend() !== null, zeromq: true },
    gitCommit: git(['rev-parse', 'HEAD']),
    gitDirty: status === null ? null : status.length > 0,
  };
}

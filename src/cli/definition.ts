import { pathToFileURL, fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { OptionsError } from '../errors.js';
import { isRecord } from '../message/record.js';

/**
 * A benchmark definition: a file whose default export names a suite and the settings it runs with — the same settings
 * the suite's command-line flags take, under the names listed in FLAGS. `quick` holds what changes for a smoke run
 * (`--quick`). Flags given on the command line win over the file.
 */
export interface BenchmarkDefinition {
  suite: Suite;
  [setting: string]: unknown;
  quick?: Record<string, unknown>;
}

/** The suites a definition can run. */
export type Suite = 'sweep' | 'codecs' | 'ipc';

// Each setting a suite takes, and the flag that carries it.
const FLAGS: Readonly<Record<Suite, Readonly<Record<string, string>>>> = {
  sweep: {
    codecs: 'codecs', strategies: 'strategies', messages: 'messages', batch: 'batch', seqLens: 'seq-lens', blockSize: 'block-size',
    projectTp: 'tp', stepMs: 'step-ms', preset: 'preset', overlap: 'overlap', transports: 'transport', spinUs: 'spin-us', wait: 'wait', idleMs: 'idle-ms', listen: 'listen', link: 'link',
    finishRate: 'finish-rate', regime: 'regime', samples: 'samples', blocks: 'blocks', repeat: 'repeat', orderSeed: 'order-seed',
    python: 'python', pythonCodecs: 'python-codecs', pythonPath: 'python-path', replay: 'replay', inProcess: 'no-ipc', sampling: 'quick', out: 'out',
  },
  codecs: { codecs: 'codecs', sizes: 'sizes', timeMs: 'time', sampling: 'quick', out: 'out' },
  ipc: { codecs: 'codecs', sizes: 'sizes', tp: 'tp', steps: 'steps', regime: 'regime', transport: 'transport', spinUs: 'spin-us', wait: 'wait', idleMs: 'idle-ms', listen: 'listen', sampling: 'quick', out: 'out' },
};

/** Where the definitions stallbench ships live: `npm run bench` runs benchmarks/sweep.mjs. */
export function packagedDefinition(suite: Suite): string {
  return fileURLToPath(new URL(`../../benchmarks/${suite}.mjs`, import.meta.url));
}

/** Imports a definition file and checks it: a default export naming a known suite, with settings that suite takes. */
export async function loadDefinition(path: string): Promise<BenchmarkDefinition> {
  const file = resolve(path);
  let imported: Record<string, unknown>;
  try {
    imported = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new OptionsError('definition', `${path} did not load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const value = imported.default;
  if (!isRecord(value) || typeof value.suite !== 'string' || !Object.hasOwn(FLAGS, value.suite)) {
    throw new OptionsError('definition', `${path}: its default export must be an object whose suite is one of ${Object.keys(FLAGS).join(', ')}`);
  }
  const suite = value.suite as Suite;
  for (const block of [value, isRecord(value.quick) ? value.quick : {}]) {
    for (const key of Object.keys(block)) {
      if (key !== 'suite' && key !== 'quick' && !Object.hasOwn(FLAGS[suite], key)) {
        throw new OptionsError('definition', `${path}: '${key}' is not a setting of the ${suite} suite; known: ${Object.keys(FLAGS[suite]).join(', ')}`);
      }
    }
  }
  return value as BenchmarkDefinition;
}

function flagArgs(flag: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (flag === 'quick') return value === 'quick' ? ['--quick'] : [];
  if (flag === 'python' && value === null) return ['--no-python'];
  if (typeof value === 'boolean') return value ? [`--${flag}`] : [];
  return [`--${flag}`, Array.isArray(value) ? value.join(',') : String(value)];
}

/** The definition's settings as the suite's command-line flags (its `quick` block merged in when `--quick` is given), ahead of the user's own flags. */
export function argsOf(definition: BenchmarkDefinition, userArgs: readonly string[]): string[] {
  const quick = userArgs.includes('--quick');
  const settings: Record<string, unknown> = { ...definition, ...(quick && isRecord(definition.quick) ? definition.quick : {}) };
  const flags = FLAGS[definition.suite];
  const own = Object.entries(settings).flatMap(([key, value]) => (key === 'suite' || key === 'quick' ? [] : flagArgs(flags[key] as string, value)));
  return [...own, ...userArgs];
}

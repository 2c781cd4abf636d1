import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { OptionsError } from '../errors.js';
import type { CodecForm } from '../codecs/types.js';
import type { KindSpec } from '../kinds/types.js';

/**
 * The Python codecs and the form each decodes to: pickle of plain Python objects (for CtxMeta the seed's per-request
 * dicts of lists), vLLM's out-of-band pickle, msgpack with arrays inline as ext types, msgpack with raw array frames.
 */
export const PYTHON_CODECS = {
  pickle: 'boxed',
  'pickle-oob': 'columnar',
  msgpack: 'columnar',
  'msgpack-numpy': 'columnar',
} as const satisfies Record<string, CodecForm>;

/** Name of a codec the Python scheduler and ranks run. */
export type PythonCodecName = keyof typeof PYTHON_CODECS;

/** Every Python codec, in the order reports list them. */
export const PYTHON_CODEC_NAMES = Object.keys(PYTHON_CODECS) as PythonCodecName[];

/** The Python codecs a sweep of generated CtxMeta steps runs unless told: the seed's three (msgpack is asked for). */
export const SEED_PYTHON_CODECS: readonly PythonCodecName[] = ['pickle', 'pickle-oob', 'msgpack-numpy'];

/** The Python codecs a replay runs: the engine's objects are pickled, as the engine pickles them. */
export const REPLAY_CODECS: readonly string[] = ['pickle', 'pickle-oob'];

/** True when `name` is a built-in Python codec. */
export function isPythonCodec(name: string): name is PythonCodecName {
  return Object.hasOwn(PYTHON_CODECS, name);
}

/** True when `name` refers to a Python codec module: a path to a `.py` file. */
export function isPythonCodecModule(name: string): boolean {
  return name.endsWith('.py');
}

/** The form a Python codec decodes to: a module's to_columnar is timed as convert, so it counts as columnar. */
export function pythonCodecForm(name: string): CodecForm {
  return isPythonCodec(name) ? PYTHON_CODECS[name] : 'columnar';
}

/** Throws OptionsError unless `name` is a Python codec or an existing `.py` codec module; returns it as given. */
export function checkPythonCodec(name: string): string {
  if (isPythonCodecModule(name)) {
    if (!existsSync(name) || !statSync(name).isFile()) throw new OptionsError('python-codecs', `no Python codec module at ${name}`);
    return name;
  }
  if (!isPythonCodec(name)) throw new OptionsError('python-codecs', `unknown Python codec '${name}'; known: ${PYTHON_CODEC_NAMES.join(', ')}, or a path to a .py codec module`);
  return name;
}

/** How rows name a Python codec: a built-in's name, a module's file name without `.py`. */
export function pythonCodecLabel(name: string): string {
  return isPythonCodecModule(name) ? basename(name, '.py') : name;
}

/** What the Python processes are told to load: a built-in's name, or a module's absolute path (they run in another folder). */
export function pythonCodecRef(name: string): string {
  return isPythonCodecModule(name) ? resolve(name) : name;
}

/** Throws OptionsError when a Python codec cannot carry a kind of message (only the empty codec carries the empty one). */
export function checkPythonCodecFor(name: string, kind: KindSpec): void {
  if (kind.kind === 'empty' ? name !== 'empty' : name === 'empty') throw new OptionsError('codec', `the Python codec '${name}' does not carry ${kind.kind === 'ctx-meta' ? 'CtxMeta steps' : kind.kind === 'empty' ? 'the empty message' : 'captured messages'}`);
}

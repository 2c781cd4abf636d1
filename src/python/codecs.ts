import { OptionsError } from '../errors.js';
import type { CodecForm } from '../codecs/types.js';

/** The Python codecs and the form each takes: the seed's pickle of boxed lists, vLLM's out-of-band pickle, msgpack with raw array frames. */
export const PYTHON_CODECS = {
  pickle: 'boxed',
  'pickle-oob': 'columnar',
  'msgpack-numpy': 'columnar',
} as const satisfies Record<string, CodecForm>;

/** Name of a codec the Python scheduler and ranks run. */
export type PythonCodecName = keyof typeof PYTHON_CODECS;

/** Every Python codec, in the order reports list them. */
export const PYTHON_CODEC_NAMES = Object.keys(PYTHON_CODECS) as PythonCodecName[];

/** True when `name` is a Python codec. */
export function isPythonCodec(name: string): name is PythonCodecName {
  return Object.hasOwn(PYTHON_CODECS, name);
}

/** Throws OptionsError unless `name` is a Python codec. */
export function checkPythonCodec(name: string): PythonCodecName {
  if (!isPythonCodec(name)) throw new OptionsError('codec', `unknown Python codec '${name}'; known: ${PYTHON_CODEC_NAMES.join(', ')}`);
  return name;
}

import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OptionsError, StallbenchError } from '../errors.js';
import { createCodec, isCodecName, listCodecs, type CodecOptions } from './registry.js';
import type { Codec } from './types.js';

/** A codec module could not be used: it did not load, has no default factory, returns no codec, or takes a built-in's name. */
export class CodecModuleError extends StallbenchError {
  readonly cliExitCode = 2;
  override readonly name = 'CodecModuleError';
  constructor(
    readonly module: string,
    readonly reason: string,
  ) {
    super(`codec module ${module}: ${reason}`);
  }
}

/** True when a codec reference names a module (a path or file: URL) rather than a built-in codec. */
export function isCodecModuleRef(ref: string): boolean {
  return ref.startsWith('file:') || ref.includes('/') || ref.endsWith('.js') || ref.endsWith('.mjs');
}

/** The absolute path a module reference points at (relative paths resolve from the working folder). */
export function codecModulePath(ref: string): string {
  if (ref.startsWith('file:')) return fileURLToPath(ref);
  return isAbsolute(ref) ? ref : resolve(ref);
}

function checkCodec(module: string, value: unknown): Codec {
  if (typeof value !== 'object' || value === null) throw new CodecModuleError(module, 'its factory returned something that is not a codec object');
  const c = value as Record<string, unknown>;
  if (typeof c.name !== 'string' || c.name === '') throw new CodecModuleError(module, 'its codec has no name');
  if (c.form !== 'columnar' && c.form !== 'boxed') throw new CodecModuleError(module, `its codec's form must be 'columnar' or 'boxed', got ${JSON.stringify(c.form)}`);
  if (typeof c.encode !== 'function' || typeof c.decode !== 'function') throw new CodecModuleError(module, 'its codec needs encode and decode functions');
  if (typeof c.description !== 'string') throw new CodecModuleError(module, 'its codec needs a description (one line)');
  if (isCodecName(c.name)) throw new CodecModuleError(module, `its codec is named '${c.name}', which is a built-in codec; give it a name of its own`);
  return value as Codec;
}

/** Imports a codec module and checks its default export: a factory `() => Codec` whose codec has a name of its own. */
export async function loadCodecModule(ref: string): Promise<{ path: string; factory: () => Codec; name: string }> {
  const path = codecModulePath(ref);
  let imported: Record<string, unknown>;
  try {
    imported = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CodecModuleError(path, `did not load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const factory = imported.default;
  if (typeof factory !== 'function') throw new CodecModuleError(path, 'has no default export that is a factory function () => Codec');
  let probe: unknown;
  try {
    probe = (factory as () => unknown)();
  } catch (error) {
    throw new CodecModuleError(path, `its factory threw: ${error instanceof Error ? error.message : String(error)}`);
  }
  const codec = checkCodec(path, probe);
  codec.dispose?.();
  return { path, factory: () => checkCodec(path, (factory as () => unknown)()), name: codec.name };
}

/** Throws OptionsError unless `ref` names a built-in codec or a codec module (a path or file: URL): the one check of a codec's name. */
export function checkCodecRef(ref: string): string {
  if (!isCodecName(ref) && !isCodecModuleRef(ref)) throw new OptionsError('codec', `unknown codec '${ref}'; known: ${listCodecs().join(', ')}, or a path to a codec module`);
  return ref;
}

/** The codec `ref` names: a built-in (a kind's schema layout where it has one, the shm codec placed in its ring), or a codec module's. */
export async function openCodec(ref: string, options: CodecOptions = {}): Promise<Codec> {
  if (!isCodecModuleRef(ref)) return createCodec(ref, options);
  return (await loadCodecModule(ref)).factory();
}

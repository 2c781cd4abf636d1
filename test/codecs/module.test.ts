import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CodecModuleError, isCodecModuleRef, loadCodecModule } from '../../src/codecs/module.js';
import { decodeToColumnar, encodeWith } from '../ctx-meta-form.js';
import type { Codec } from '../../src/codecs/types.js';
import { diffMessages } from '../../src/message/equal.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/codecs/${name}`, import.meta.url));

describe('codec modules', () => {
  it('are told from built-in names by a slash or a .js/.mjs ending', () => {
    expect(['./c.mjs', '/abs/c.js', 'file:///x/c.mjs', 'c.js'].map(isCodecModuleRef)).toEqual([true, true, true, true]);
    expect(['msgpack', 'shm', 'msgpack-boxed'].map(isCodecModuleRef)).toEqual([false, false, false]);
  });

  it('load by path or file: URL and give codecs that round-trip', async () => {
    for (const ref of [fixture('json-frames.mjs'), pathToFileURL(fixture('json-frames.mjs')).href]) {
      const loaded = await loadCodecModule(ref);
      expect(loaded.name).toBe('json-frames');
      expect(loaded.path).toBe(fixture('json-frames.mjs'));
      const codec = loaded.factory() as Codec;
      const payload = generateCtxMeta({ batch: 5, seqLen: 300, seed: 2 });
      expect(diffMessages(payload, decodeToColumnar(codec, encodeWith(codec, payload)))).toBeNull();
    }
  });

  it.each([
    ['missing.mjs', /did not load/],
    ['no-default.mjs', /no default export that is a factory/],
    ['not-a-codec.mjs', /needs encode and decode functions/],
    ['takes-builtin-name.mjs', /named 'msgpack', which is a built-in codec/],
  ])('%s is refused with a CodecModuleError saying why', async (name, reason) => {
    const error = await loadCodecModule(fixture(name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodecModuleError);
    expect((error as Error).message).toMatch(reason);
    expect((error as CodecModuleError).module).toBe(fixture(name));
  });
});

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCodecModule } from '../../src/codecs/module.js';
import { createMsgpackCodec } from '../../src/codecs/msgpack.js';
import type { Codec, ColumnarCodec } from '../../src/codecs/types.js';
import { CodecCallError, DecodeError } from '../../src/errors.js';
import { CTX_META_KIND } from '../../src/kinds/ctx-meta/kind.js';
import { capturedInput } from '../../src/kinds/captured.js';
import type { MessageKind, StepSource } from '../../src/kinds/types.js';
import { createCodec, listCodecs } from '../../src/codecs/registry.js';
import { generateVllmStyleMessages } from '../../src/kinds/vllm-style.js';
import { CodecMismatchError, checkRoundTrip, locateDifference } from '../../src/run/gate.js';
import { generatedSource } from '../../src/kinds/ctx-meta/source.js';
import type { CtxMeta } from '../../src/kinds/ctx-meta/types.js';

const KIND = CTX_META_KIND as unknown as MessageKind;
const source = generatedSource({ batch: 6, seqLen: 100, steps: 12, blockSize: 4, seed: 3, finishRate: 0.1 }) as unknown as StepSource;

describe('the correctness gate', () => {
  it('passes every step of every strategy for an honest codec', () => {
    for (const strategy of ['full', 'new-slots', 'no-slots', 'delta'] as const) {
      expect(checkRoundTrip(KIND, createMsgpackCodec() as Codec, source, strategy)).toEqual({ checked: 12, of: 12 });
    }
  });

  it('stops a codec module that corrupts a block id, naming the codec, the step, the field and its index', async () => {
    const corrupting = (await loadCodecModule(fileURLToPath(new URL('../fixtures/codecs/corrupting.mjs', import.meta.url)))).factory();
    const error = (() => {
      try {
        checkRoundTrip(KIND, corrupting, source, 'full');
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CodecMismatchError);
    expect(error).toMatchObject({ codec: 'corrupting', step: 0, field: '/blockTables', index: 3 });
  });

  it('turns whatever an encode or decode throws, a DecodeError too, into a CodecCallError naming the codec, call and step', () => {
    const honest = createMsgpackCodec();
    const throwing: ColumnarCodec = { ...honest, name: 'throws', decode: () => { throw new TypeError('boom'); } };
    expect(() => checkRoundTrip(KIND, throwing as Codec, source, 'full')).toThrow(CodecCallError);
    expect(() => checkRoundTrip(KIND, throwing as Codec, source, 'full')).toThrow(/^codec throws: decode threw on step 0 \(TypeError: boom\); nothing was measured$/);
    const refusing: ColumnarCodec = { ...honest, name: 'refuses', decode: () => { throw new DecodeError('refuses', 'bad magic'); } };
    expect(() => checkRoundTrip(KIND, refusing as Codec, source, 'full')).toThrow(/codec refuses: decode threw on step 0 \(DecodeError: refuses: bad magic\)/);
    let calls = 0;
    const late: ColumnarCodec = { ...honest, name: 'late', encode: (p, a) => { if (calls++ === 1) throw new Error('boom in encode'); return honest.encode(p, a); } };
    const error = (() => { try { checkRoundTrip(KIND, late as Codec, source, 'full'); return null; } catch (e) { return e; } })();
    expect(error).toMatchObject({ name: 'CodecCallError', codec: 'late', call: 'encode', step: 1, cliExitCode: 2 });
  });

  it('passes every message codec over a vLLM-style sequence, as captured and as deltas', async () => {
    const sequence = generateVllmStyleMessages({ batch: 8, seqLen: 64, steps: 30, seed: 1 });
    const { kind, source: steps } = capturedInput(sequence);
    for (const name of listCodecs()) {
      const codec = createCodec(name) as Codec;
      for (const strategy of ['full', 'delta'] as const) expect(checkRoundTrip(kind, codec, steps, strategy).checked).toBe(30);
      codec.dispose?.();
    }
  });

  it('checks every step until 4 MiB of wire payload have passed, and always the first two', () => {
    const big = generatedSource({ batch: 64, seqLen: 2048, steps: 20, seed: 1, finishRate: 0 });
    // Each full step carries 128k slots (0.5 MiB and a little): steps 0..7 reach 4 MiB.
    expect(checkRoundTrip(KIND, createMsgpackCodec() as Codec, big, 'full')).toEqual({ checked: 8, of: 20 });
    const huge = generatedSource({ batch: 64, seqLen: 131072, steps: 20, seed: 1, finishRate: 0 });
    expect(checkRoundTrip(KIND, createMsgpackCodec() as Codec, huge, 'full').checked).toBe(2);
  });

  it('reads the field and index out of a difference', () => {
    expect(locateDifference('topK[3]: 1 vs 7')).toEqual({ field: 'topK', index: 3 });
    expect(locateDifference('blockTables.length: 4 vs 5')).toEqual({ field: 'blockTables', index: null });
    expect(locateDifference('/scheduled/0/ids[12]: 5 vs 6')).toEqual({ field: '/scheduled/0/ids', index: 12 });
    expect(locateDifference('stepId: 1 vs 2')).toEqual({ field: 'stepId', index: null });
  });
});

void ({} as CtxMeta);

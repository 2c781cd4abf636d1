import { asColumnar, encodeWith, inFormOf } from '../../old/form.js';
import { isCodecModuleRef, loadCodecModule, CodecModuleError } from '../../codecs/module.js';
import { createCodec } from '../../old/registry.js';
import { createShmCodec } from '../../old/shm.js';
import type { AnyCodec, Codec } from '../../codecs/types.js';
import { diffCtxMeta } from './old-equal.js';
import { fingerprint } from './old-fingerprint.js';
import { payloadByteLength } from './old-size.js';
import type { CtxMeta } from './types.js';
import { createRankSide, createSchedulerSide, stepView } from './strategies.js';
import { STRATEGY_NAMES } from '../strategy.js';
import type { LaunchView } from './launch-view.js';
import type { PayloadKind } from '../types.js';

/** A codec for `ref`: a built-in by name (the shm codec placed in its ring), or a codec module's. */
export async function codecFor(ref: string, kind: 'ctx-meta' | 'message', builtIn: (name: string) => AnyCodec): Promise<AnyCodec> {
  if (!isCodecModuleRef(ref)) return builtIn(ref);
  const module = await loadCodecModule(ref);
  const codec = module.factory();
  if ((codec.kind ?? 'ctx-meta') !== kind) throw new CodecModuleError(module.path, `its codec carries ${codec.kind ?? 'ctx-meta'} payloads, not ${kind}`);
  return codec;
}

/** The scheduler's control message, CtxMeta: every strategy, slots derived on the rank. */
export const CTX_META_KIND: PayloadKind<CtxMeta> = {
  spec: { kind: 'ctx-meta' },
  strategies: STRATEGY_NAMES,
  createCodec: (ref, role) =>
    codecFor(ref, 'ctx-meta', (name) => (name === 'shm' ? createShmCodec({ readers: role.readers ?? 0, ...(role.readerIndex !== undefined ? { readerIndex: role.readerIndex } : {}) }) : createCodec(name)) as AnyCodec),
  inFormOf: (codec, payload) => inFormOf(codec as Codec, payload),
  encode: (codec, input, allocator) => encodeWith(codec as Codec, input as CtxMeta, allocator),
  toColumnar: (codec, decoded) => asColumnar(codec as Codec, decoded as CtxMeta),
  schedulerSide: createSchedulerSide,
  rankSide: (strategy) => {
    const side = createRankSide(strategy);
    return { apply: (wire) => side.apply(wire), payloadOf: (view) => side.payloadOf(view as LaunchView), reset: () => side.reset() };
  },
  view: stepView,
  fingerprint,
  byteLength: payloadByteLength,
  diff: diffCtxMeta,
  batch: (payload) => payload.reqIds.length,
  slots: (payload) => payload.seqLens.reduce((sum, n) => sum + n, 0),
};

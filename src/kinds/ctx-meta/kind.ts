import type { Codec } from '../../codecs/types.js';
import type { BoxedMessageRecord, DtypeMap } from '../../message/types.js';
import { STRATEGY_NAMES } from '../strategy.js';
import type { MessageKind } from '../types.js';
import { fromBoxed, toBoxed } from './boxed.js';
import { createCtxMetaFlatbuffersCodec } from './flatbuffers.js';
import type { LaunchView } from './launch-view.js';
import { createCtxMetaProtobufCodec } from './protobuf.js';
import { createRankSide, createSchedulerSide, stepView } from './strategies.js';
import { ARRAY_FIELDS, FIELD_DTYPE, type CtxMeta } from './types.js';

/** Dtype of each of CtxMeta's arrays, by path. */
export const CTX_META_DTYPES: Readonly<DtypeMap> = Object.fromEntries(ARRAY_FIELDS.map((field) => [`/${field}`, FIELD_DTYPE[field]]));

/**
 * The scheduler's control message, CtxMeta: every strategy (slots derived on the rank for no-slots and delta), the
 * row-wise boxed form a Python engine holds (per-request dicts of lists), and its own FlatBuffers and protobuf schemas
 * (schemas/ctx_meta.fbs, schemas/ctx_meta.proto) in place of the generic envelope those libraries carry other messages in.
 */
export const CTX_META_KIND: MessageKind<CtxMeta> = {
  spec: { kind: 'ctx-meta' },
  dtypes: CTX_META_DTYPES,
  strategies: STRATEGY_NAMES,
  schemaCodecs: { flatbuffers: (): Codec => createCtxMetaFlatbuffersCodec(), protobuf: (): Codec => createCtxMetaProtobufCodec() },
  toBoxed: (payload) => toBoxed(payload) as unknown as BoxedMessageRecord,
  fromBoxed,
  schedulerSide: createSchedulerSide,
  rankSide: (strategy) => {
    const side = createRankSide(strategy);
    return { apply: (wire) => side.apply(wire), payloadOf: (view) => side.payloadOf(view as LaunchView), reset: () => side.reset() };
  },
  view: stepView,
  batch: (payload) => payload.reqIds.length,
  slots: (payload) => payload.seqLens.reduce((sum, n) => sum + n, 0),
};

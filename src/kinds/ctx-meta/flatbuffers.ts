import type { Builder } from 'flatbuffers';
import { DecodeError } from '../../errors.js';
import { messageByteBound } from '../../message/size.js';
import { ARRAY_FIELDS, type ArrayField, type CtxMeta } from './types.js';
import { CheckedByteBuffer, bulkVector, presizedBuilder } from '../../codecs/flatbuffers-io.js';
import { bytesOf, decodeGuard, singleFrame } from '../../codecs/frames.js';
import { CtxMeta as FbCtxMeta } from '../../codecs/generated/ctx_meta_generated.js';
import { FRESH_ALLOCATOR } from '../../codecs/frame-pool.js';
import type { ColumnarCodec, FrameAllocator } from '../../codecs/types.js';

type Adder = (builder: Builder, offset: number) => void;
type Viewer = (root: FbCtxMeta) => Int32Array | Float32Array | null;

const ADD: Readonly<Record<ArrayField, Adder>> = {
  seqLens: FbCtxMeta.addSeqLens,
  numNewTokens: FbCtxMeta.addNumNewTokens,
  temperature: FbCtxMeta.addTemperature,
  topP: FbCtxMeta.addTopP,
  topK: FbCtxMeta.addTopK,
  blockTableOffsets: FbCtxMeta.addBlockTableOffsets,
  blockTables: FbCtxMeta.addBlockTables,
  slotOffsets: FbCtxMeta.addSlotOffsets,
  slotMapping: FbCtxMeta.addSlotMapping,
};

const VIEW: Readonly<Record<ArrayField, Viewer>> = {
  seqLens: (r) => r.seqLensArray(),
  numNewTokens: (r) => r.numNewTokensArray(),
  temperature: (r) => r.temperatureArray(),
  topP: (r) => r.topPArray(),
  topK: (r) => r.topKArray(),
  blockTableOffsets: (r) => r.blockTableOffsetsArray(),
  blockTables: (r) => r.blockTablesArray(),
  slotOffsets: (r) => r.slotOffsetsArray(),
  slotMapping: (r) => r.slotMappingArray(),
};

function encode(payload: CtxMeta, allocator: FrameAllocator): Uint8Array {
  // Sized up front (a multiple of 8, so vectors stay aligned from the buffer's start) to avoid growth copies,
  // and unzeroed: the builder writes every byte it returns, padding included.
  const builder = presizedBuilder(allocator.allocate(messageByteBound(payload)));
  const reqIds = FbCtxMeta.createReqIdsVector(
    builder,
    payload.reqIds.map((id) => builder.createString(id)),
  );
  const vectors = ARRAY_FIELDS.map((field) => bulkVector(builder, bytesOf(payload[field]), 4, 4));
  FbCtxMeta.startCtxMeta(builder);
  FbCtxMeta.addStepId(builder, payload.stepId);
  FbCtxMeta.addBlockSize(builder, payload.blockSize);
  FbCtxMeta.addReqIds(builder, reqIds);
  ARRAY_FIELDS.forEach((field, i) => ADD[field](builder, vectors[i] ?? 0));
  FbCtxMeta.finishCtxMetaBuffer(builder, FbCtxMeta.endCtxMeta(builder));
  return builder.asUint8Array();
}

function decode(name: string, input: Uint8Array): CtxMeta {
  // Typed-array views need 4-byte alignment; a frame at an odd offset is copied once to a fresh buffer.
  const frame = input.byteOffset % 4 === 0 ? input : input.slice();
  if (frame.byteLength < 8) throw new DecodeError(name, `frame of ${frame.byteLength} bytes is too short`);
  const bb = new CheckedByteBuffer(frame, name);
  if (!FbCtxMeta.bufferHasIdentifier(bb)) throw new DecodeError(name, 'missing file identifier SBCM');
  const root = FbCtxMeta.getRootAsCtxMeta(bb);
  const count = root.reqIdsLength();
  // Bounds before loops: each string needs at least a 4-byte offset in the frame.
  if (count < 0 || count * 4 > frame.byteLength) throw new DecodeError(name, `req_ids length ${count} exceeds the frame`);
  const reqIds = Array.from({ length: count }, (_, i) => root.reqIds(i));
  const payload: Record<string, unknown> = { stepId: root.stepId(), blockSize: root.blockSize(), reqIds };
  const end = frame.byteOffset + frame.byteLength;
  for (const field of ARRAY_FIELDS) {
    const view = VIEW[field](root);
    // Views must stay inside this frame, not wander into the rest of an underlying buffer.
    if (view !== null && (view.byteOffset < frame.byteOffset || view.byteOffset + view.byteLength > end)) {
      throw new DecodeError(name, `${field} vector lies outside the frame`);
    }
    payload[field] = view ?? (field === 'temperature' || field === 'topP' ? new Float32Array(0) : new Int32Array(0));
  }
  return payload as unknown as CtxMeta;
}

/** FlatBuffers (schemas/ctx_meta.fbs): vectors written in bulk; decode reads strings and returns zero-copy views of the frame. */
export function createCtxMetaFlatbuffersCodec(): ColumnarCodec {
  const name = 'flatbuffers';
  return {
    name,
    form: 'columnar',
    description: 'FlatBuffers table of CtxMeta\'s own schema, vectors bulk-copied; decode returns typed-array views into the frame (no copy)',
    allocation: 'caller',
    encode: (payload, allocator = FRESH_ALLOCATOR) => [encode(payload as CtxMeta, allocator)],
    decode: (frames) => decodeGuard(name, () => decode(name, singleFrame(name, frames))),
  };
}

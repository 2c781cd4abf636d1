import { DecodeError } from '../../errors.js';
import { ARRAY_FIELDS, FIELD_DTYPE, type CtxMeta } from './types.js';
import { stallbench } from '../../codecs/generated/ctx_meta_pb.js';
import { decodeGuard, singleFrame } from '../../codecs/frames.js';
import type { ColumnarCodec } from '../../codecs/types.js';

type Message = stallbench.CtxMeta.$Properties;

/** Protocol Buffers (schemas/ctx_meta.proto, packed repeated varints) via protobufjs static code; decode builds number[] then typed arrays. */
export function createCtxMetaProtobufCodec(): ColumnarCodec {
  const name = 'protobuf';
  return {
    name,
    form: 'columnar',
    description: 'protobuf of CtxMeta\'s own schema, packed repeated int32/float (varints); decode reads into number[] and copies to typed arrays',
    // protobufjs only indexes the lists, so typed arrays go in as they are.
    encode: (payload) => [stallbench.CtxMeta.encode(payload as unknown as Message).finish()],
    decode: (frames) =>
      decodeGuard(name, () => {
        const message = stallbench.CtxMeta.decode(singleFrame(name, frames));
        const payload: Record<string, unknown> = {
          stepId: message.stepId ?? 0,
          blockSize: message.blockSize ?? 0,
          reqIds: message.reqIds ?? [],
        };
        for (const field of ARRAY_FIELDS) {
          const values = (message as Message)[field] ?? [];
          if (!Array.isArray(values)) throw new DecodeError(name, `${field} is not a list`);
          payload[field] = FIELD_DTYPE[field] === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
        }
        return payload as unknown as CtxMeta;
      }),
  };
}

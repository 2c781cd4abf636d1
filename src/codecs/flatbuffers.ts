import { DecodeError } from '../errors.js';
import { bytesOf, decodeGuard, singleFrame } from './frames.js';
import { CheckedByteBuffer, bulkVector, presizedBuilder } from './flatbuffers-io.js';
import { Column, Envelope } from './generated/envelope_generated.js';
import type { MessageRecord } from '../message/types.js';
import { columnArray, columnCode, flattenMessage, unflattenMessage, type FlatMessage } from './envelope.js';
import { FRESH_ALLOCATOR } from './frame-pool.js';
import type { FrameAllocator } from './types.js';
import type { ColumnarCodec } from './types.js';

const stringBound = (s: string): number => 3 * s.length + 12;

/** A bound on the FlatBuffer's size, so the builder allocates once. */
function envelopeBound(flat: FlatMessage): number {
  let bound = 256 + flat.kinds.byteLength + 4 * flat.counts.length + 8 * flat.numbers.length;
  for (const key of flat.keys) bound += stringBound(key);
  for (const s of flat.strings) bound += stringBound(s);
  flat.columns.forEach((array, i) => (bound += array.byteLength + 72 + stringBound(flat.paths[i] ?? '')));
  return Math.ceil(bound / 8) * 8;
}

function encode(message: MessageRecord, allocator: FrameAllocator): Uint8Array {
  const flat = flattenMessage(message, { paths: true });
  const builder = presizedBuilder(allocator.allocate(envelopeBound(flat)));
  // Keys and paths repeat across records of a list: one copy of each string serves every use.
  const shared = new Map<string, number>();
  const string = (s: string): number => {
    let offset = shared.get(s);
    if (offset === undefined) {
      offset = builder.createString(s);
      shared.set(s, offset);
    }
    return offset;
  };
  const columns = flat.columns.map((array, i) => {
    // 8-byte aligned data: decode hands out typed-array views of every dtype without copying.
    const data = bulkVector(builder, bytesOf(array), 1, 8);
    return Column.createColumn(builder, string(flat.paths[i] ?? ''), columnCode(array), array.length, data);
  });
  const kinds = bulkVector(builder, flat.kinds, 1, 1);
  const counts = bulkVector(builder, bytesOf(flat.counts), 4, 4);
  const numbers = bulkVector(builder, bytesOf(flat.numbers), 8, 8);
  const keys = Envelope.createKeysVector(builder, flat.keys.map(string));
  const strings = Envelope.createStringsVector(builder, flat.strings.map(string));
  const columnVector = Envelope.createColumnsVector(builder, columns);
  Envelope.finishEnvelopeBuffer(builder, Envelope.createEnvelope(builder, kinds, counts, keys, numbers, strings, columnVector));
  return builder.asUint8Array();
}

function decode(name: string, input: Uint8Array): MessageRecord {
  // Views of float64 columns need 8-byte alignment; a frame at another offset is copied once.
  const frame = input.byteOffset % 8 === 0 ? input : input.slice();
  if (frame.byteLength < 8) throw new DecodeError(name, `frame of ${frame.byteLength} bytes is too short`);
  const bb = new CheckedByteBuffer(frame, name);
  if (!Envelope.bufferHasIdentifier(bb)) throw new DecodeError(name, 'missing file identifier SBME');
  const root = Envelope.getRootAsEnvelope(bb);
  const end = frame.byteOffset + frame.byteLength;
  // Views must stay inside this frame, not wander into the rest of an underlying buffer.
  const inFrame = <T extends ArrayBufferView>(view: T | null, empty: T, what: string): T => {
    if (view === null) return empty;
    if (view.byteOffset < frame.byteOffset || view.byteOffset + view.byteLength > end) throw new DecodeError(name, `${what} lies outside the frame`);
    return view;
  };
  return unflattenMessage(name, {
    kinds: inFrame(root.kindsArray(), new Uint8Array(0), 'kinds'),
    counts: inFrame(root.countsArray(), new Uint32Array(0), 'counts'),
    numbers: inFrame(root.numbersArray(), new Float64Array(0), 'numbers'),
    keys: { length: root.keysLength(), at: (i) => root.keys(i) },
    strings: { length: root.stringsLength(), at: (i) => root.strings(i) },
    columns: {
      length: root.columnsLength(),
      at: (i) => {
        const column = root.columns(i);
        if (column === null) throw new DecodeError(name, `column ${i} missing`);
        const data = inFrame(column.dataArray(), new Uint8Array(0), `column ${i}`);
        return columnArray(name, column.dtype(), column.length(), data, true);
      },
    },
  });
}

/** FlatBuffers through the generic envelope (schemas/envelope.fbs): columns bulk-copied and 8-byte aligned; decode returns typed-array views into the frame. */
export function createFlatbuffersCodec(): ColumnarCodec {
  const name = 'flatbuffers';
  return {
    name,
    form: 'columnar',
    description: 'FlatBuffers generic envelope (structure + named columns), columns bulk-copied; decode returns typed-array views into the frame (no copy)',
    allocation: 'caller',
    encode: (message, allocator = FRESH_ALLOCATOR) => [encode(message, allocator)],
    decode: (frames) => decodeGuard(name, () => decode(name, singleFrame(name, frames))),
  };
}

import { DecodeError } from '../errors.js';
import { bytesOf, decodeGuard, singleFrame } from './frames.js';
import { stallbench } from './generated/envelope_pb.js';
import type { MessageRecord } from '../message/types.js';
import { columnArray, columnCode, flattenMessage, items, unflattenMessage } from './envelope.js';
import type { ColumnarCodec } from './types.js';

type Wire = stallbench.Envelope.$Properties;

function encode(message: MessageRecord): Uint8Array {
  const flat = flattenMessage(message, { paths: true });
  const wire: Wire = {
    kinds: flat.kinds,
    // protobufjs only indexes repeated fields, so typed arrays go in as they are.
    counts: flat.counts as unknown as number[],
    keys: flat.keys,
    numbers: flat.numbers as unknown as number[],
    strings: flat.strings,
    columns: flat.columns.map((array, i) => ({ path: flat.paths[i] ?? '', dtype: columnCode(array), length: array.length, data: bytesOf(array) })),
  };
  return stallbench.Envelope.encode(wire).finish();
}

function list<T>(name: string, field: string, value: T[] | null | undefined): T[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw new DecodeError(name, `${field} is not a list`);
  return value;
}

function decode(name: string, frame: Uint8Array): MessageRecord {
  const wire = stallbench.Envelope.decode(frame);
  const columns = list(name, 'columns', wire.columns);
  return unflattenMessage(name, {
    kinds: wire.kinds ?? new Uint8Array(0),
    counts: list(name, 'counts', wire.counts),
    keys: items(list(name, 'keys', wire.keys)),
    numbers: list(name, 'numbers', wire.numbers),
    strings: items(list(name, 'strings', wire.strings)),
    columns: {
      length: columns.length,
      at: (i) => {
        const column = columns[i];
        if (column === undefined) throw new DecodeError(name, `column ${i} missing`);
        return columnArray(name, column.dtype ?? 0, column.length ?? 0, column.data ?? new Uint8Array(0));
      },
    },
  });
}

/** Protocol Buffers through the generic envelope (schemas/envelope.proto): columns as bytes fields; decode copies each column once. */
export function createProtobufCodec(): ColumnarCodec {
  const name = 'protobuf';
  return {
    name,
    form: 'columnar',
    description: 'protobuf generic envelope (structure + named columns as LE bytes) via protobufjs static code; decode copies each column once',
    encode: (message) => [encode(message)],
    decode: (frames) => decodeGuard(name, () => decode(name, singleFrame(name, frames))),
  };
}

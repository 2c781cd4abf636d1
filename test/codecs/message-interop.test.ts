import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandWorks } from '../commands.js';
import { toBoxedMessage } from '../../src/message/boxed.js';
import { createFlatbuffersCodec } from '../../src/codecs/flatbuffers.js';
import { createMsgpackCodec } from '../../src/codecs/msgpack.js';
import { createProtobufCodec } from '../../src/codecs/protobuf.js';
import { dtypeOf } from '../../src/message/dtypes.js';
import { stringifyPythonJson } from '../../src/message/json-text.js';
import type { MessageRecord, MessageValue } from '../../src/message/types.js';

// Readers from other implementations: Debian's python3-msgpack, protoc and flatc (.ci/run installs them).
const PYTHON = '/usr/bin/python3';
const available = { python: commandWorks(PYTHON, ['-c', 'import msgpack']), protoc: commandWorks('protoc', ['--version']), flatc: commandWorks('flatc', ['--version']) };
// In CI a missing reader is a failure, not a skip.
const required = process.env.CI === 'true';

const folder = mkdtempSync(join(tmpdir(), 'stallbench-message-interop-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const message: MessageRecord = {
  step: 7,
  reqs: [{ req_id: 'req-é-🚀', blocks: Int32Array.of(2147483647, 5, -1), probs: Float32Array.of(0.5, -0, NaN) }],
  small: { i8: Int8Array.of(-128), u8: Uint8Array.of(255), i16: Int16Array.of(-32768), u16: Uint16Array.of(65535), u32: Uint32Array.of(4294967295), f64: Float64Array.of(1e300, -0) },
  empty: new Int32Array(0),
  flags: [true, null, 'x'],
};

function concreteDtypes(value: MessageValue, path: string, out: Record<string, string>): Record<string, string> {
  const dtype = dtypeOf(value);
  if (dtype !== null) out[path] = dtype;
  else if (Array.isArray(value)) value.forEach((item, i) => concreteDtypes(item, `${path}/${i}`, out));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) concreteDtypes(v as MessageValue, `${path}/${k}`, out);
  return out;
}

describe('message wire formats read by other implementations', () => {
  it.runIf(available.python || required)('msgpack frames decode in Python: typed arrays are ExtType(116, kind byte + LE bytes)', () => {
    writeFileSync(join(folder, 'expected.json'), stringifyPythonJson({ value: toBoxedMessage(message), dtypes: concreteDtypes(message, '', {}) }));
    writeFileSync(join(folder, 'msgpack.bin'), createMsgpackCodec().encode(message)[0] ?? new Uint8Array());
    const script = new URL('../message/interop/read_message.py', import.meta.url).pathname;
    expect(execFileSync(PYTHON, [script, folder], { encoding: 'utf8' }).trim()).toBe('ok');
  });

  it.runIf(available.protoc || required)('protobuf envelopes decode with protoc and schemas/envelope.proto', () => {
    const frame = createProtobufCodec().encode(message)[0] ?? new Uint8Array();
    const text = execFileSync('protoc', ['--decode=stallbench.Envelope', '-Ischemas', 'schemas/envelope.proto'], { input: frame, encoding: 'utf8' });
    expect(text).toContain('path: "/reqs/*/blocks"');
    expect(text).toContain('dtype: INT32');
    expect(text).toContain('path: "/small/u16"');
    expect(text).toContain('keys: "req_id"');
    expect(text).toContain('strings: "req-\\303\\251-\\360\\237\\232\\200"');
    expect([...text.matchAll(/^columns \{/gm)]).toHaveLength(9);
  });

  it.runIf(available.flatc || required)('FlatBuffers envelopes convert to JSON with flatc and schemas/envelope.fbs', () => {
    writeFileSync(join(folder, 'envelope.bin'), createFlatbuffersCodec().encode(message)[0] ?? new Uint8Array());
    execFileSync('flatc', ['--json', '--strict-json', '--raw-binary', '-o', folder, 'schemas/envelope.fbs', '--', join(folder, 'envelope.bin')]);
    const json = JSON.parse(readFileSync(join(folder, 'envelope.json'), 'utf8')) as { keys: string[]; columns: { path: string; dtype: string; length?: number; data?: number[] }[] };
    expect(json.keys.slice(0, 3)).toEqual(['step', 'reqs', 'req_id']);
    const blocks = json.columns.find((c) => c.path === '/reqs/*/blocks');
    expect(blocks?.dtype).toBe('Int32');
    expect(blocks?.length).toBe(3);
    expect(Buffer.from(blocks?.data ?? []).equals(Buffer.from(Int32Array.of(2147483647, 5, -1).buffer))).toBe(true);
  });
});

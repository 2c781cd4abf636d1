import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCborCodec } from '../../src/codecs/cbor.js';
import { createCtxMetaFlatbuffersCodec as createFlatbuffersCodec } from '../../src/kinds/ctx-meta/flatbuffers.js';
import { createMsgpackCodec } from '../../src/codecs/msgpack.js';
import { createCtxMetaProtobufCodec as createProtobufCodec } from '../../src/kinds/ctx-meta/protobuf.js';
import { buildCtxMeta } from '../../src/kinds/ctx-meta/build.js';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';
import { ARRAY_FIELDS, type CtxMeta } from '../../src/kinds/ctx-meta/types.js';

// Readers from other implementations: Debian's python3-msgpack, python3-cbor2, protoc and flatc (.ci/run installs them).
const PYTHON = '/usr/bin/python3';
function has(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const available = {
  python: has(PYTHON, ['-c', 'import msgpack, cbor2']),
  protoc: has('protoc', ['--version']),
  flatc: has('flatc', ['--version']),
};
// In CI a missing reader is a failure, not a skip.
const required = process.env.CI === 'true';

const folder = mkdtempSync(join(tmpdir(), 'stallbench-interop-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const payload: CtxMeta = (() => {
  const p = generateCtxMeta({ batch: 5, seqLen: { kind: 'uniform', min: 0, max: 90 }, phase: 'mixed', seed: 3 });
  return { ...p, reqIds: p.reqIds.map((id, i) => (i === 1 ? 'req-é-🚀' : id)) };
})();
const expectedLists = (p: CtxMeta) =>
  Object.fromEntries([
    ['stepId', p.stepId],
    ['blockSize', p.blockSize],
    ['reqIds', p.reqIds],
    ...ARRAY_FIELDS.map((f) => [f, Array.from(p[f])]),
  ]);

describe('wire formats read by other implementations', () => {
  it.runIf(available.python || required)('msgpack and CBOR frames decode in Python (msgpack, cbor2) to the same values', () => {
    writeFileSync(join(folder, 'expected.json'), JSON.stringify(expectedLists(payload)));
    writeFileSync(join(folder, 'msgpack.bin'), createMsgpackCodec().encode(payload)[0] ?? new Uint8Array());
    writeFileSync(join(folder, 'cbor.bin'), createCborCodec().encode(payload)[0] ?? new Uint8Array());
    const script = new URL('../interop/read_frames.py', import.meta.url).pathname;
    expect(execFileSync(PYTHON, [script, folder], { encoding: 'utf8' }).trim()).toBe('ok');
  });

  it.runIf(available.protoc || required)('protobuf frames decode with protoc and schemas/ctx_meta.proto', () => {
    const frame = createProtobufCodec().encode(payload)[0] ?? new Uint8Array();
    const text = execFileSync('protoc', ['--decode=stallbench.CtxMeta', '-Ischemas', 'schemas/ctx_meta.proto'], { input: frame, encoding: 'utf8' });
    const field = (name: string) => [...text.matchAll(new RegExp(`^${name}: (\\S+)$`, 'gm'))].map((m) => Number(m[1]));
    expect(field('slot_mapping')).toEqual(Array.from(payload.slotMapping));
    expect(field('block_tables')).toEqual(Array.from(payload.blockTables));
    expect(field('seq_lens')).toEqual(Array.from(payload.seqLens));
    expect(field('top_k')).toEqual(Array.from(payload.topK));
    expect(field('step_id')).toEqual(payload.stepId === 0 ? [] : [payload.stepId]);
    expect(text).toContain('req_ids: "req-\\303\\251-\\360\\237\\232\\200"');
  });

  it.runIf(available.flatc || required)('FlatBuffers frames convert to JSON with flatc and schemas/ctx_meta.fbs', () => {
    const edge = buildCtxMeta({
      stepId: 7,
      blockSize: 1,
      requests: [{ reqId: 'big', seqLen: 1, numNewTokens: 1, temperature: 0.5, topP: 1, topK: -1, blockTable: [2147483647] }],
    });
    for (const [name, p] of [['main', payload], ['edge', edge]] as const) {
      writeFileSync(join(folder, `${name}.bin`), createFlatbuffersCodec().encode(p)[0] ?? new Uint8Array());
      execFileSync('flatc', ['--json', '--strict-json', '--raw-binary', '-o', folder, 'schemas/ctx_meta.fbs', '--', join(folder, `${name}.bin`)]);
      const json = JSON.parse(readFileSync(join(folder, `${name}.json`), 'utf8')) as Record<string, unknown>;
      expect(json.slot_mapping ?? []).toEqual(Array.from(p.slotMapping));
      expect(json.block_tables ?? []).toEqual(Array.from(p.blockTables));
      expect(json.req_ids ?? []).toEqual(p.reqIds);
      // flatc prints floats with their shortest float32 text, so compare as float32.
      expect(((json.temperature ?? []) as number[]).map(Math.fround)).toEqual(Array.from(p.temperature));
    }
    expect(existsSync(join(folder, 'edge.json'))).toBe(true);
  });
});

import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Packr } from 'msgpackr';
import { afterAll, describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { diffMessages } from '../../src/message/equal.js';
import { MessageFileError } from '../../src/message/errors.js';
import { generateVllmStyleMessages } from '../../src/kinds/vllm-style.js';
import { stringifyPythonJson } from '../../src/message/json-text.js';
import { loadMessages, sidecarPath } from '../../src/message/load.js';
import { toBoxedMessage } from '../../src/message/boxed.js';

const folder = mkdtempSync(join(tmpdir(), 'stallbench-messages-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let files = 0;
function file(content: string | Uint8Array, name = `m${files++}.jsonl`, dtypes?: Record<string, unknown>): string {
  const path = join(folder, name);
  writeFileSync(path, content);
  if (dtypes !== undefined) writeFileSync(sidecarPath(path), JSON.stringify(dtypes));
  return path;
}

async function refusal(path: string, options = {}): Promise<MessageFileError> {
  const error = await loadMessages(path, options).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MessageFileError);
  return error as MessageFileError;
}

describe('loadMessages from JSON Lines', () => {
  it('reads one message a line, skips blank lines, and infers one dtype per path across all steps', async () => {
    const path = file(['{"step": 0, "ids": [1, 2], "p": [0.5], "tags": ["a"], "m": {"x": [3]}}', '', '  ', '{"step": 1, "ids": [3, 4, 5], "p": [1], "m": {"x": [4000000000]}}', ''].join('\n'));
    const { messages, dtypes, source } = await loadMessages(path);
    expect(source).toBe(path);
    expect(messages).toHaveLength(2);
    // /p holds 0.5 in step 0, so 1 in step 1 is float64 too; /m/x exceeds int32 in step 1, so step 0 is float64 too.
    expect(dtypes).toEqual({ '/ids': 'int32', '/p': 'float64', '/m/x': 'float64' });
    expect(messages[1]?.ids).toEqual(Int32Array.of(3, 4, 5));
    expect(messages[1]?.p).toEqual(Float64Array.of(1));
    expect(messages[0]?.m).toEqual({ x: Float64Array.of(3) });
    expect(messages[0]?.tags).toEqual(['a']);
  });

  it('keeps lists that hold anything but numbers as lists, in every step, and recurses into them', async () => {
    const path = file('{"a": [1, 2]}\n{"a": [1, "x"]}\n{"b": [[1, 2], [3]], "c": [{"d": [7]}, {"d": []}]}\n');
    const { messages, dtypes } = await loadMessages(path);
    expect(dtypes).toEqual({ '/b/*': 'int32', '/c/*/d': 'int32' });
    expect(messages[0]?.a).toEqual([1, 2]);
    expect(messages[1]?.a).toEqual([1, 'x']);
    expect(messages[2]?.b).toEqual([Int32Array.of(1, 2), Int32Array.of(3)]);
    // An empty list at a numeric path is an empty typed array of that path's dtype.
    expect(messages[2]?.c).toEqual([{ d: Int32Array.of(7) }, { d: new Int32Array(0) }]);
  });

  it('keeps an empty list at a path that never holds numbers as an empty list', async () => {
    const { messages, dtypes } = await loadMessages(file('{"finished": []}\n{"finished": ["r1"]}\n'));
    expect(dtypes).toEqual({});
    expect(messages[0]?.finished).toEqual([]);
  });

  it('takes dtypes from the sidecar and checks every value against them', async () => {
    const path = file('{"ids": [1, 2], "logits": [0.5, -0.0], "n": 7, "empty": []}\n', 'side.jsonl', { '/ids': 'uint8', '/logits': 'float32', '/n': 'int16', '/empty': 'float32' });
    const { messages, dtypes } = await loadMessages(path);
    expect(dtypes).toMatchObject({ '/ids': 'uint8', '/logits': 'float32', '/n': 'int16' });
    expect(messages[0]?.ids).toEqual(Uint8Array.of(1, 2));
    expect(Object.is((messages[0]?.logits as Float32Array)[1], -0)).toBe(true);
    expect(messages[0]?.n).toBe(7);
    expect(messages[0]?.empty).toEqual(new Float32Array(0));
  });

  it("reads Python's NaN, Infinity and -Infinity tokens, and -0.0", async () => {
    const { messages } = await loadMessages(file('{"x": [NaN, Infinity, -Infinity, -0.0, 1.5], "s": "NaN", "y": NaN}\n'));
    const x = messages[0]?.x as Float64Array;
    expect(Number.isNaN(x[0])).toBe(true);
    expect([x[1], x[2], Object.is(x[3], -0)]).toEqual([Infinity, -Infinity, true]);
    expect(messages[0]?.s).toBe('NaN');
    expect(Number.isNaN(messages[0]?.y)).toBe(true);
  });

  it('round-trips what stringifyPythonJson writes, for a vLLM-style sequence', async () => {
    const { messages, dtypes } = generateVllmStyleMessages({ batch: 4, seqLen: 20, steps: 30, seed: 2 });
    const path = file(messages.map((m) => stringifyPythonJson(toBoxedMessage(m))).join('\n'), 'vllm.jsonl', dtypes);
    const loaded = await loadMessages(path);
    loaded.messages.forEach((m, i) => expect(diffMessages(messages[i] ?? {}, m)).toBeNull());
  });
});

describe('loadMessages from a MessagePack stream', () => {
  it('reads concatenated maps, typed arrays in ext 0x74 and bin strings included, and names byte offsets', async () => {
    // moreTypes: typed arrays as msgpackr's ext 0x74, as the msgpack message codec writes them.
    const typed = new Packr({ useRecords: false, moreTypes: true });
    const plain = new Packr({ useRecords: false });
    const first = typed.pack({ ids: Int16Array.of(-1, 2), nested: { v: Float32Array.of(0.25) } });
    const second = plain.pack({ ids: [3, 4], raw: Buffer.from([1, 255]), nested: { v: [] } });
    const { messages, dtypes } = await loadMessages(file(Buffer.concat([first, second]), 'stream.msgpack'));
    expect(dtypes).toEqual({ '/ids': 'int16', '/nested/v': 'float32', '/raw': 'uint8' });
    expect(messages[1]).toEqual({ ids: Int16Array.of(3, 4), raw: Uint8Array.of(1, 255), nested: { v: new Float32Array(0) } });
    const bad = await refusal(file(Buffer.concat([first, plain.pack({ ids: [70000] })]), 'range.msgpack'));
    expect(bad.offset).toBe(first.byteLength);
    expect(bad.reason).toMatch(/\/ids\[0\]: 70000 does not fit int16/);
    const cut = await refusal(file(Buffer.concat([first, second.subarray(0, second.byteLength - 2)]), 'cut.mpk'));
    expect(cut.offset).toBe(first.byteLength);
    expect(cut.reason).toMatch(/malformed MessagePack/);
  });

  it('sniffs the format when the extension says nothing', async () => {
    const packed = new Packr({ useRecords: false }).pack({ a: [1] });
    expect((await loadMessages(file(packed, 'capture.bin'))).messages[0]).toEqual({ a: Int32Array.of(1) });
    expect((await loadMessages(file('\n{"a": [1]}\n', 'capture.txt'))).messages[0]).toEqual({ a: Int32Array.of(1) });
    await expect(loadMessages(file('[1, 2]\n', 'capture.dat'))).rejects.toThrow(/neither JSON Lines .* nor a MessagePack stream/);
  });

  it('refuses 64-bit integers beyond ±2^53', async () => {
    const big = new Packr({ useRecords: false, largeBigIntToFloat: false }).pack({ a: 2n ** 60n });
    expect((await refusal(file(big, 'big.msgpack'))).reason).toMatch(/1152921504606846976 is beyond ±2\^53/);
  });
});

describe('loadMessages refuses bad input with the file, the place and the reason', () => {
  it.each([
    ['a malformed line', '{"a": 1}\n{"a": \n', 2, /malformed JSON/],
    ['a top level that is not a record', '{"a": 1}\n[1, 2]\n', 2, /top level is a list, not a record/],
    ['an integer beyond 2^53, which JSON.parse would round', '{"a": 1}\n{"a": [1, 9007199254740993]}\n', 2, /integer 9007199254740993 is beyond ±2\^53/],
    ['a negative one', '{"a": {"b": -9007199254740993}}\n', 1, /integer -9007199254740993 is beyond/],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 1, /not valid UTF-8/],
    ['the key __proto__', '{"__proto__": {"a": 1}}\n', 1, /__proto__ is not supported/],
  ] as const)('%s', async (_, content, line, reason) => {
    const error = await refusal(file(content));
    expect(error.name).toBe('MessageFileError');
    expect(error.line).toBe(line);
    expect(error.file).toMatch(/\.jsonl$/);
    expect(error.reason).toMatch(reason);
  });

  it('a literal beyond float64, which would read as Infinity, unless its path is declared float', async () => {
    const error = await refusal(file('{"x": 1}\n{"x": 1e400}\n'));
    expect(error.line).toBe(2);
    expect(error.reason).toMatch(/^1e400 is beyond float64 and would read as Infinity \(at \/x\)/);
    expect((await refusal(file('{"a": [1, -2e999]}\n'))).reason).toMatch(/-2e999 .*at \/a/);
    const declared = await loadMessages(file('{"a": [1, 1e400]}\n', 'f.jsonl', { '/a': 'float64' }));
    expect(declared.messages[0]?.a).toEqual(Float64Array.of(1, Infinity));
    // Python's own token for inf is an explicit float, and stays accepted.
    expect((await loadMessages(file('{"x": Infinity}\n'))).messages[0]?.x).toBe(Infinity);
  });

  it('accepts large numbers written as floats and big integers inside strings', async () => {
    const { messages } = await loadMessages(file('{"a": 1e300, "b": "9007199254740993", "c": [9007199254740992, 1.5]}\n'));
    expect(messages[0]?.a).toBe(1e300);
    expect(messages[0]?.b).toBe('9007199254740993');
    expect(messages[0]?.c).toEqual(Float64Array.of(2 ** 53, 1.5));
  });

  it.each([
    ['300 in int8', '{"a": [1, 300]}', { '/a': 'int8' }, /\/a\[1\]: 300 does not fit int8/],
    ['1.5 in int32', '{"a": [1.5]}', { '/a': 'int32' }, /\/a\[0\]: 1.5 does not fit int32/],
    ['-0 in an integer dtype', '{"a": [-0.0]}', { '/a': 'int32' }, /\/a\[0\]: -0 does not fit int32/],
    ['a scalar out of range', '{"n": 70000}', { '/n': 'uint16' }, /\/n: 70000 does not fit uint16/],
    ['a string where numbers are declared', '{"a": [1, "x"]}', { '/a': 'int32' }, /the string "x" does not fit int32/],
    ['a record where numbers are declared', '{"a": {"b": 1}}', { '/a': 'int32' }, /declared int32 but holds a record/],
  ] as const)('a value the declared dtype cannot hold: %s', async (_, line, dtypes, reason) => {
    const error = await refusal(file(`${line}\n`, `dt${files}.jsonl`, dtypes));
    expect(error.line).toBe(1);
    expect(error.reason).toMatch(reason);
  });

  it('an unknown dtype or a bad path in the sidecar', async () => {
    const unknown = await refusal(file('{"a": [1]}\n', 'u.jsonl', { '/a': 'int64' }));
    expect(unknown.file).toMatch(/u\.jsonl\.dtypes\.json$/);
    expect(unknown.reason).toMatch(/unknown dtype "int64" for \/a; known: int8, uint8/);
    expect((await refusal(file('{"a": [1]}\n', 'p.jsonl', { a: 'int32' }))).reason).toMatch(/not a path/);
  });

  it('nesting deeper than maxDepth', async () => {
    const deep = `{"a": ${'['.repeat(70)}1${']'.repeat(70)}}\n`;
    expect((await refusal(file(deep))).reason).toMatch(/nested deeper than maxDepth 64/);
    expect((await loadMessages(file(deep), { maxDepth: 80 })).messages).toHaveLength(1);
  });

  it('absurd sizes, before allocating for them', async () => {
    const big = file('{"a": [1]}\n');
    truncateSync(big, 2 ** 31);
    const error = await refusal(big, { maxBytes: 2 ** 30 });
    expect(error.reason).toBe(`file of ${2 ** 31} bytes exceeds maxBytes ${2 ** 30}`);
    expect((await refusal(file('{"a": 1}\n{"a": 2}\n{"a": 3}\n'), { maxMessages: 2 })).line).toBe(3);
    expect((await refusal(file('{"a": [1, 2, 3]}\n'), { maxArrayLength: 2 })).reason).toMatch(/\/a: list of 3 exceeds maxArrayLength 2/);
    await expect(loadMessages(file('{}\n'), { maxMessages: 0 })).rejects.toThrow(OptionsError);
  });

  it('a file that is missing or not a file', async () => {
    expect((await refusal(join(folder, 'missing.jsonl'))).reason).toMatch(/cannot be read: ENOENT/);
    expect((await refusal(folder)).reason).toBe('is not a regular file');
  });

  it('an empty file, or one with only blank lines', async () => {
    expect((await refusal(file(''))).reason).toBe('holds no messages');
    expect((await refusal(file('\n  \n\n'))).reason).toBe('holds no messages');
  });
});

import { describe, expect, it } from 'vitest';
import { fromBoxedMessage, toBoxedMessage } from '../../src/message/boxed.js';
import { diffMessages } from '../../src/message/equal.js';
import { MessageError } from '../../src/message/errors.js';
import { messageFingerprint } from '../../src/message/fingerprint.js';
import { escapeKey, keyPath, parsePath } from '../../src/message/paths.js';
import { messageDtypes } from '../../src/message/record.js';
import { messageByteLength } from '../../src/message/size.js';
import type { MessageRecord } from '../../src/message/types.js';

const message = (): MessageRecord => ({
  step: 3,
  reqs: [{ id: 'r-é', blocks: Int32Array.of(7, 99999) }],
  logits: Float32Array.of(0.5, -0, NaN),
  done: false,
  note: null,
});

describe('paths', () => {
  it('escape ~, / and a key that is exactly *, and parse back to the same keys', () => {
    expect(['a', 'a/b', '~x', '*', '**', '~2'].map(escapeKey)).toEqual(['a', 'a~1b', '~0x', '~2', '**', '~02']);
    const path = keyPath(keyPath(keyPath('', 'a/b'), '*'), '~2');
    expect(path).toBe('/a~1b/~2/~02');
    expect(parsePath(path)).toEqual([{ key: 'a/b' }, { key: '*' }, { key: '~2' }]);
    expect(parsePath('/reqs/*/blocks')).toEqual([{ key: 'reqs' }, { item: true }, { key: 'blocks' }]);
    expect(parsePath('')).toEqual([]);
    expect([parsePath('reqs'), parsePath('/a~3'), parsePath('/x~2y')]).toEqual([null, null, null]);
  });
});

describe('diffMessages', () => {
  it('returns null for identical messages, NaN included', () => {
    expect(diffMessages(message(), message())).toBeNull();
  });

  it('names the concrete path and index of the first difference', () => {
    const changed = message();
    (changed.reqs as MessageRecord[])[0] = { id: 'r-é', blocks: Int32Array.of(7, 100000) };
    expect(diffMessages(message(), changed)).toBe('/reqs/0/blocks[1]: 99999 vs 100000');
    expect(diffMessages(message(), { ...message(), logits: Float32Array.of(0.5, 0, NaN) })).toBe('/logits[1]: -0 vs 0');
    expect(diffMessages(message(), { ...message(), logits: Float64Array.of(0.5, -0, NaN) })).toBe('/logits: float32 array vs float64 array');
    expect(diffMessages(message(), { ...message(), logits: Float32Array.of(0.5) })).toBe('/logits.length: 3 vs 1');
    expect(diffMessages({ a: 0 }, { a: -0 })).toBe('/a: 0 vs -0');
    expect(diffMessages({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe('(message): key order a,b vs b,a');
    expect(diffMessages({ a: 1 }, { a: 1, b: 2 })).toBe('/b: unexpected');
    expect(diffMessages({ 'a/b': [] }, {})).toBe('/a~1b: missing');
    expect(diffMessages({ a: [1] }, { a: Int32Array.of(1) })).toBe('/a: list vs int32 array');
  });
});

describe('messageFingerprint', () => {
  it('is stable, and changes with any value, dtype, key order or the sign of a zero', () => {
    const base = messageFingerprint(message());
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(messageFingerprint(message())).toBe(base);
    const variants: MessageRecord[] = [
      { ...message(), step: 4 },
      { ...message(), logits: Float64Array.of(0.5, -0, NaN) },
      { ...message(), logits: Float32Array.of(0.5, 0, NaN) },
      { step: 3, logits: Float32Array.of(0.5, -0, NaN), reqs: message().reqs ?? [], done: false, note: null },
      { ...message(), reqs: [{ id: 'r-é', blocks: [7, 99999] }] },
    ];
    for (const v of variants) expect(messageFingerprint(v)).not.toBe(base);
  });
});

describe('messageByteLength', () => {
  it('counts typed-array bytes, UTF-8 bytes of strings and keys, and 8 per scalar', () => {
    // keys: step 4 + reqs 4 + id 2 + blocks 6 + logits 6 + done 4 + note 4 = 30; strings: 'r-é' 4;
    // arrays: 8 + 12; scalars: step, done, note = 24.
    expect(messageByteLength(message())).toBe(30 + 4 + 20 + 24);
    expect(messageByteLength({})).toBe(0);
  });
});

describe('the boxed form', () => {
  it('turns typed arrays into number lists and back, using the dtypes', () => {
    const m = message();
    const boxed = toBoxedMessage(m);
    expect(boxed.reqs).toEqual([{ id: 'r-é', blocks: [7, 99999] }]);
    expect(Array.isArray(boxed.logits)).toBe(true);
    const dtypes = messageDtypes([m]);
    expect(dtypes).toEqual({ '/reqs/*/blocks': 'int32', '/logits': 'float32' });
    expect(diffMessages(m, fromBoxedMessage(boxed, dtypes))).toBeNull();
    expect(fromBoxedMessage({ reqs: [{ blocks: [] }] }, dtypes)).toEqual({ reqs: [{ blocks: new Int32Array(0) }] });
  });

  it('refuses values a dtype cannot hold, naming the path', () => {
    expect(() => fromBoxedMessage({ a: [1, 2.5] }, { '/a': 'int32' })).toThrow(new MessageError('/a[1]', '2.5 does not fit int32'));
    expect(() => fromBoxedMessage({ a: [0.1] }, { '/a': 'float32' })).toThrow(/0.1 does not fit float32/);
    expect(() => fromBoxedMessage({ a: 'x' }, { '/a': 'int8' })).toThrow(/declared int8 but holds the string "x"/);
    expect(() => messageDtypes([{ a: Int8Array.of(1) }, { a: Uint8Array.of(1) }])).toThrow(/holds int8 in one message and uint8 in another/);
  });
});

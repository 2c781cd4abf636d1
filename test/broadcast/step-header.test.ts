import { describe, expect, it } from 'vitest';
import { packControl } from '../../src/broadcast/protocol.js';
import { packStepHeader, readStepHeader, stepCheckOf, tokenBytesOf } from '../../src/broadcast/step-header.js';

const token = tokenBytesOf('00112233445566778899aabbccddeeff');

describe('step header', () => {
  it('carries configuration, step, restart and check through its fixed layout', () => {
    const frame = packStepHeader(token, 7, 4_000_000_000, true, 'fp:0123abcd');
    const header = readStepHeader(frame, token);
    expect(header).toEqual({ config: 7, step: 4_000_000_000, restart: true, checkLength: 11 });
    if (header === null) throw new Error('no header');
    expect(stepCheckOf(frame, header)).toBe('fp:0123abcd');
    expect(readStepHeader(packStepHeader(token, 1, 0, false, ''), token)).toEqual({ config: 1, step: 0, restart: false, checkLength: 0 });
  });

  it('reads as a step header only with this run’s token, whole, and never a control map', () => {
    const frame = packStepHeader(token, 1, 2, false, 'abc');
    expect(readStepHeader(frame, tokenBytesOf('f'.repeat(32)))).toBeNull();
    expect(readStepHeader(frame.subarray(0, frame.byteLength - 1), token)).toBeNull();
    expect(readStepHeader(frame.subarray(0, 20), token)).toBeNull();
    expect(readStepHeader(Buffer.concat([frame, Buffer.from([0])]), token)).toBeNull();
    expect(readStepHeader(packControl({ token: '00112233445566778899aabbccddeeff', kind: 'stop' }), token)).toBeNull();
    expect(readStepHeader(undefined, token)).toBeNull();
  });

  it('refuses a token that is not 32 hex digits, and a check too long for its length field', () => {
    expect(() => tokenBytesOf('abc')).toThrow(/32 hex digits/);
    expect(() => tokenBytesOf('zz'.repeat(16))).toThrow(/32 hex digits/);
    expect(() => packStepHeader(token, 1, 1, false, 'x'.repeat(70_000))).toThrow(/longer than/);
  });
});

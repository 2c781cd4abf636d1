import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCtxMeta } from '../../src/kinds/ctx-meta/build.js';
import { messageFingerprint } from '../../src/message/fingerprint.js';
import { PythonUnavailableError } from '../../src/python/errors.js';
import { findPython, probePython } from '../../src/python/probe.js';
import { found, interpreterWithout, python, removeInterpreters } from './interpreter.js';

afterAll(removeInterpreters);

const run = promisify(execFile);

describe('the known payload test_stallbench.py fingerprints in Python', () => {
  it('has the digest TypeScript gives it', () => {
    const p = buildCtxMeta({
      stepId: 7,
      blockSize: 4,
      slots: 'new',
      requests: [
        { reqId: 'req-0', seqLen: 9, numNewTokens: 1, temperature: 0.7, topP: 0.9, topK: 50, blockTable: [1000003, 12, 77] },
        { reqId: '請求-é-🚀', seqLen: 4, numNewTokens: 4, temperature: 1, topP: 0.95, topK: -1, blockTable: [5] },
      ],
    });
    expect(Array.from(p.slotMapping)).toEqual([308, 20, 21, 22, 23]);
    expect(messageFingerprint(p)).toBe('04509111be2654ccef24701015975aff0df17568c8e34345467f43841f6b7c98');
  });
});

describe.skipIf(found.info === null)('stallbench\'s Python side, unit-tested in Python', () => {
  it('passes its unittest suite (fingerprint, slots, strategies, codecs)', async () => {
    const suite = fileURLToPath(new URL('.', import.meta.url));
    const { stderr } = await run(python(), ['-m', 'unittest', 'discover', '-s', suite, '-p', 'test_*.py']);
    expect(stderr).toMatch(/\nOK\s*$/);
    expect(Number(/Ran (\d+) tests/.exec(stderr)?.[1])).toBeGreaterThanOrEqual(9);
  });
});

describe.skipIf(found.info === null)('probing for an interpreter', () => {
  it('finds one with numpy, pyzmq and msgpack and says what it runs', async () => {
    const info = await findPython([python()]);
    expect(info.version).toMatch(/^3\.\d+\.\d+/);
    expect(info.executable).toMatch(/python/);
    for (const version of [info.numpy, info.pyzmq, info.libzmq, info.msgpack]) expect(version).toMatch(/^\d+\.\d+/);
  });

  it('says in one line which module is missing', async () => {
    const error = await probePython(interpreterWithout('zmq')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonUnavailableError);
    expect((error as Error).message).toMatch(/lacks Python module zmq \(ModuleNotFoundError; Debian: python3-zmq\)$/);
    expect((error as Error).message).not.toMatch(/\n/);
  });
});

describe('probing where there is no interpreter', () => {
  it('says so for each candidate, in one error', async () => {
    const error = await findPython(['/nonexistent/python3', '/nonexistent/bin/python']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonUnavailableError);
    expect((error as Error).message).toBe(
      '/nonexistent/python3, /nonexistent/bin/python: no interpreter with numpy, pyzmq and msgpack (/nonexistent/python3: not found; /nonexistent/bin/python: not found)',
    );
  });
});

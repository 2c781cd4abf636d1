import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RankFailedError } from '../../src/broadcast/errors.js';
import { INJECTED_CRASH_EXIT_CODE, type FaultInjection } from '../../src/broadcast/faults.js';
import { fixedPlan } from '../../src/broadcast/sampling.js';
import { capturedInput } from '../../src/kinds/captured.js';
import { generatedSource } from '../../src/kinds/ctx-meta/source.js';
import { generateVllmStyleMessages } from '../../src/kinds/vllm-style.js';
import { PythonUnavailableError } from '../../src/python/errors.js';
import { openPythonSession, type PythonSessionOptions } from '../../src/python/session.js';
import { leftovers } from '../broadcast/leftovers.js';
import { found, interpreterWithout, python, removeInterpreters } from './interpreter.js';

afterAll(removeInterpreters);

const vllm = generateVllmStyleMessages({ batch: 4, seqLen: 32, steps: 30, seed: 5 });
const source = generatedSource({ batch: 3, seqLen: 40, steps: 30, blockSize: 4, seed: 2, finishRate: 0 });

/** Opens a session and measures one run with `fault` (over CtxMeta steps, or a captured sequence); returns what failed and what was left behind. */
async function failing(options: PythonSessionOptions, fault?: FaultInjection, captured = false) {
  let info = { pids: [] as number[], runDir: '' };
  const error = await (async () => {
    const session = await openPythonSession({ ...options, onStart: (i) => void (info = i) });
    try {
      const run = captured ? { ...capturedInput(vllm), codec: 'msgpack' } : { source, codec: 'pickle' };
      await session.measure({ ...run, strategy: 'delta', plan: fixedPlan(10, 0), ...(fault !== undefined ? { fault } : {}) });
    } finally {
      await session.close();
    }
  })().then(
    () => null,
    (e: unknown) => e,
  );
  return { error, left: await leftovers(info), info };
}

describe.skipIf(found.info === null)('a Python rank that fails', () => {
  it.each([
    ['crash', 1, { exitCode: INJECTED_CRASH_EXIT_CODE, signal: null }],
    ['kill', 1, { exitCode: null, signal: 'SIGKILL' }],
    ['crash', 0, { exitCode: INJECTED_CRASH_EXIT_CODE, signal: null }],
  ] as const)('%s of rank %i is a RankFailedError naming it and its step, and leaves nothing behind', async (kind, rank, exit) => {
    const { error, left, info } = await failing({ python: python() }, { kind, rank, step: 4 });
    expect(error).toBeInstanceOf(RankFailedError);
    expect(error).toMatchObject({ rank, step: 4, ...exit });
    expect(info.pids).toHaveLength(2);
    expect(left).toEqual([]);
  });

  it.each(['crash', 'hang'] as const)('%s of a rank on captured messages: a RankFailedError naming it, and nothing left behind', async (kind) => {
    const { error, left } = await failing({ python: python(), timeoutMs: 1000 }, { kind, rank: 1, step: 5 }, true);
    expect(error).toBeInstanceOf(RankFailedError);
    expect(error).toMatchObject({ rank: 1, step: 5 });
    expect(left).toEqual([]);
  });

  it('hangs: the answer timeout names the rank that went quiet, and its process is killed', async () => {
    const { error, left } = await failing({ python: python(), timeoutMs: 1000 }, { kind: 'hang', rank: 1, step: 3 });
    expect(error).toBeInstanceOf(RankFailedError);
    expect(error).toMatchObject({ rank: 1, step: 3 });
    expect((error as Error).message).toMatch(/no step answer within 1000 ms \(hung\?\)/);
    expect(left).toEqual([]);
  });

  it('lacks a module: one PythonUnavailableError naming the rank and the module, and nothing left behind', async () => {
    const { error, left } = await failing({ python: interpreterWithout('numpy') });
    expect(error).toBeInstanceOf(PythonUnavailableError);
    expect((error as PythonUnavailableError).rank).not.toBeNull();
    expect((error as Error).message).toMatch(/^rank \d: .*python3: .* lacks Python module numpy \(ModuleNotFoundError; Debian: python3-numpy\)$/);
    expect(left).toEqual([]);
  });
});

describe('a Python session without an interpreter', () => {
  it('is a PythonUnavailableError, with nothing left behind', async () => {
    // No process ever starts, so onStart never says where the run folder was: give the run a temporary folder of its own.
    const own = mkdtempSync(join(tmpdir(), 'stallbench-tmp-'));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = own;
    try {
      const { error } = await failing({ python: '/nonexistent/python3' });
      expect(error).toBeInstanceOf(PythonUnavailableError);
      expect((error as Error).message).toMatch(/^rank \d: \/nonexistent\/python3: not found$/);
      expect(readdirSync(own)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
      rmSync(own, { recursive: true, force: true });
    }
  });
});

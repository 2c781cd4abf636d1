import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { criticalPath } from '../../src/broadcast/parts.js';
import { fixedPlan } from '../../src/broadcast/sampling.js';
import { measureEmptyStep } from '../../src/broadcast/session.js';
import { CodecCallError } from '../../src/errors.js';
import { capturedInput } from '../../src/kinds/captured.js';
import { generateVllmStyleMessages } from '../../src/kinds/vllm-style.js';
import { messageByteLength } from '../../src/message/size.js';
import type { MessageSequence } from '../../src/message/types.js';
import { PYTHON_CODEC_NAMES } from '../../src/python/codecs.js';
import { checkPythonRoundTrip, openPythonSession, type PythonSession } from '../../src/python/session.js';
import { readSweep } from '../../src/report/sweep-results.js';
import { CodecMismatchError } from '../../src/run/gate.js';
import { leftovers } from '../broadcast/leftovers.js';
import { found, python } from './interpreter.js';

const module = (name: string): string => fileURLToPath(new URL(`../fixtures/python/${name}`, import.meta.url));

// vLLM-style steps (new requests with prompt ids and block ids, cached requests, finished ids), and a sequence of
// the values that lose most easily: -0, NaN, every dtype, a key that is exactly '*', unicode keys, nested lists.
const vllm = generateVllmStyleMessages({ batch: 6, seqLen: 40, steps: 12, seed: 3, finishRate: 0.2 });
const awkward: MessageSequence = {
  source: 'awkward',
  dtypes: { '/a': 'int8', '/b': 'uint16', '/c': 'float32', '/d/*/e': 'float64', '/f': 'uint32' },
  messages: Array.from({ length: 10 }, (_, i) => ({
    step: i,
    a: Int8Array.from([-128, 127, i]),
    b: Uint16Array.from({ length: i }, (_, j) => j * 1000),
    c: Float32Array.from([-0, Number.NaN, i / 3]),
    d: [{ e: Float64Array.from([-0, 1e300, i]) }, { e: new Float64Array(0) }],
    f: Uint32Array.from([4294967295, i]),
    '*': { 'ключ/~': [null, true, false, -0, Number.NaN, 2 ** 53, 'текст'] },
    same: 'unchanged',
  })),
};

describe.skipIf(found.info === null)('captured messages on the Python scheduler and ranks', () => {
  let session: PythonSession;
  let info = { pids: [] as number[], runDir: '' };
  beforeAll(async () => {
    session = await openPythonSession({ tp: 2, python: python(), onStart: (i) => void (info = i) });
  });
  afterAll(async () => {
    await session.close();
    expect(await leftovers(info)).toEqual([]);
  });

  describe.each([...PYTHON_CODEC_NAMES, module('frames_codec.py')])('codec %s', (codec) => {
    it.each([
      ['vllm-style', vllm],
      ['awkward', awkward],
    ] as const)('%s steps, full and delta: gated, every step verified on the rank, wire bytes as TypeScript counts them', async (_, sequence) => {
      const { kind, source } = capturedInput(sequence);
      for (const strategy of ['full', 'delta'] as const) {
        expect(await checkPythonRoundTrip(session, { codec, kind, strategy, source })).toEqual({ checked: sequence.messages.length });
        const m = await session.measure({ codec, kind, strategy, source, plan: fixedPlan(sequence.messages.length - 1, 0), verifyEvery: 1 });
        expect(m.steps).toHaveLength(sequence.messages.length - 1);
        const side = kind.schedulerSide(strategy);
        const bytes = sequence.messages.map((message, i) => messageByteLength(side.wire(message, i === 0)));
        for (const step of m.steps) {
          expect(step.ranks.every((k) => k.verified === true)).toBe(true);
          expect(step.payloadBytes).toBe(bytes[step.step]);
          expect(criticalPath(step).stall).toBeGreaterThan(0);
        }
        // A delta carries less than the full steps, and the rank rebuilds them (timed as derive).
        const total = (steps: typeof m.steps): number => steps.reduce((n, s) => n + s.payloadBytes, 0);
        if (strategy === 'delta' && sequence === vllm) expect(total(m.steps)).toBeLessThan(m.steps.reduce((n, s) => n + messageByteLength(sequence.messages[s.step] ?? {}), 0));
      }
    });
  });

  it('measures its own floor: the empty message through the Python processes', async () => {
    const m = await measureEmptyStep(session, fixedPlan(20, 0));
    expect(m.steps.length).toBeGreaterThanOrEqual(20);
    expect(m.steps.every((s) => s.frames === 0 && s.payloadBytes === 0 && s.ranks.every((k) => k.verified === true))).toBe(true);
  });
});

describe.skipIf(found.info === null)('a Python codec module that fails', () => {
  const { kind, source } = capturedInput(vllm);
  it.each([
    ['broken_import.py', /^codec .*broken_import\.py: load failed \(Python: ModuleNotFoundError: No module named 'no_such_module_anywhere'\); nothing was measured$/],
    ['no_factory.py', /^codec .*no_factory\.py: create failed \(Python: the module defines no create\(\) factory\); nothing was measured$/],
    ['throws_codec.py', /^codec .*throws_codec\.py: encode threw on step 1 \(Python: ValueError: boom in encode\); nothing was measured$/],
  ])('%s: one line naming the module and the call, exit 2, nothing left behind', async (file, message) => {
    let info = { pids: [] as number[], runDir: '' };
    const session = await openPythonSession({ tp: 2, python: python(), onStart: (i) => void (info = i) });
    try {
      const error = await checkPythonRoundTrip(session, { codec: module(file), kind, strategy: 'full', source }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CodecCallError);
      expect((error as CodecCallError).cliExitCode).toBe(2);
      expect((error as Error).message).toMatch(message);
    } finally {
      await session.close();
    }
    expect(await leftovers(info)).toEqual([]);
  });

  it('corrupting_codec.py: stopped by the gate, naming the step and the path, exit 2', async () => {
    let info = { pids: [] as number[], runDir: '' };
    const session = await openPythonSession({ tp: 2, python: python(), onStart: (i) => void (info = i) });
    try {
      const error = await checkPythonRoundTrip(session, { codec: module('corrupting_codec.py'), kind, strategy: 'full', source }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CodecMismatchError);
      expect((error as CodecMismatchError).cliExitCode).toBe(2);
      expect((error as CodecMismatchError).step).toBe(1);
      expect((error as Error).message).toMatch(/corrupting_codec\.py does not round-trip step 1: \/[^ ]+\[0\]: \d+ vs \d+$/);
    } finally {
      await session.close();
    }
    expect(await leftovers(info)).toEqual([]);
  });
});

describe.skipIf(found.info === null)('stallbench --messages FILE, from the command line', () => {
  const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
  const folder = mkdtempSync(join(tmpdir(), 'stallbench-pymsg-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 300_000 });
  const messages = join(folder, 'standin.jsonl');
  beforeAll(() => {
    // The engine stand-in's own loop, captured by python/capture.py as an engine would.
    const made = spawnSync(python(), [module('engine_standin.py'), messages, '--steps', '50'], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
  });

  it('runs the Python codecs and a codec module beside the Node ones, full and delta, each Python row with its floor', () => {
    const out = join(folder, 'rows');
    const r = run('--messages', messages, '--quick', '--codecs', 'msgpack', '--python', python(), '--python-codecs', `pickle,pickle-oob,msgpack,msgpack-numpy,${module('frames_codec.py')}`, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const { results } = readSweep(out);
    const pythonRows = results.rows.filter((row) => row.runtime === 'python');
    expect(pythonRows.map((row) => `${row.codec} ${row.strategy}`).sort()).toEqual(
      ['frames', 'msgpack', 'msgpack-numpy', 'pickle', 'pickle-oob'].flatMap((codec) => [`${codec} delta`, `${codec} full`]).sort(),
    );
    expect(pythonRows.every((row) => row.report.floors.emptyStep !== null && row.report.floors.emptyStep.p50 > 0)).toBe(true);
    // Every Python process's CPU per step: the scheduler (rank 0) and the rank.
    expect(pythonRows.every((row) => row.cpu?.map((c) => c.rank).join(',') === '0,1' && row.cpu.every((c) => c.usPerStep > 0))).toBe(true);
    expect(pythonRows.find((row) => row.codec === 'frames')?.codecModule).toBe(module('frames_codec.py'));
    expect(results.rows.filter((row) => row.runtime === 'node').map((row) => row.strategy).sort()).toEqual(['delta', 'full']);
  });

  it('--replay pickles the engine stand-in\'s own dataclasses on the Python ranks, every step verified as its JSON line', () => {
    const captured = join(folder, 'replayed.jsonl');
    const made = spawnSync(python(), [module('engine_standin.py'), captured, '--steps', '50', '--replay'], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const out = join(folder, 'replay');
    const r = run('--messages', captured, '--replay', '--python-path', module(''), '--quick', '--codecs', 'msgpack', '--python', python(), '--python-codecs', 'pickle,pickle-oob', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const rows = readSweep(out).results.rows.filter((row) => row.runtime === 'python');
    expect(rows.map((row) => `${row.codec} ${row.strategy} ${row.replay ?? '-'}`)).toEqual([`pickle full ${captured}.replay`, `pickle-oob full ${captured}.replay`]);
    expect(r.stdout).toMatch(/pickle \(python, replay\)\s+full/);
    // Without the engine's classes on the path, unpickling fails: one line saying what to give, exit 2.
    const lost = run('--messages', captured, '--replay', '--quick', '--codecs', 'msgpack', '--python', python(), '--python-codecs', 'pickle', '--out', join(folder, 'never'));
    expect(lost.status).toBe(2);
    expect(lost.stderr.trim().split('\n').at(-1)).toMatch(/^stallbench: replay file .*replayed\.jsonl\.replay: step 0 does not unpickle: ModuleNotFoundError: No module named 'engine_standin'; --python-path DIR says where the engine's classes import from$/);
  });

  it('--replay names the step and path where a replayed object and its JSON line disagree, exit 2', () => {
    const captured = join(folder, 'edited.jsonl');
    expect(spawnSync(python(), [module('engine_standin.py'), captured, '--steps', '20', '--replay'], { encoding: 'utf8' }).status).toBe(0);
    // The JSON line of step 0 edited after capture: its first total no longer matches the object.
    const lines = readFileSync(captured, 'utf8').split('\n');
    lines[0] = (lines[0] ?? '').replace(/"total_num_scheduled_tokens":(\d+)/, (_, n: string) => `"total_num_scheduled_tokens":${Number(n) + 1}`);
    writeFileSync(captured, lines.join('\n'));
    const r = run('--messages', captured, '--replay', '--python-path', module(''), '--quick', '--codecs', 'msgpack', '--python', python(), '--python-codecs', 'pickle', '--out', join(folder, 'never'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^stallbench: .*edited\.jsonl\.replay: replay step 0 does not agree with its JSON line: \/total_num_scheduled_tokens: \d+ vs \d+$/);
  });

  it('refuses a replay with no replay file, or with a codec that cannot carry the engine\'s objects, before anything runs', () => {
    const plain = run('--messages', messages, '--replay', '--quick', '--out', join(folder, 'never'));
    expect(plain.status).toBe(2);
    expect(plain.stderr).toMatch(/no replay file at .*standin\.jsonl\.replay: Capture\(path, replay=True\) writes it/);
    const captured = join(folder, 'replayed.jsonl');
    const msgpack = run('--messages', captured, '--replay', '--quick', '--python', python(), '--python-codecs', 'msgpack', '--out', join(folder, 'never'));
    expect(msgpack.status).toBe(2);
    expect(msgpack.stderr).toMatch(/a replay runs pickle and pickle-oob, not msgpack/);
    // An interpreter named on purpose is used as given: a typo is refused, never swapped for another.
    const typo = run('--messages', messages, '--quick', '--python', '/nonexistent/python3', '--out', join(folder, 'never'));
    expect(typo.status).toBe(2);
    expect(typo.stderr.trim()).toBe('stallbench: python: no interpreter at /nonexistent/python3');
  });

  it('stops a corrupting Python codec module before timing: one line naming the step and the path, exit 2', () => {
    const r = run('--messages', messages, '--quick', '--codecs', 'msgpack', '--python', python(), '--python-codecs', module('corrupting_codec.py'), '--out', join(folder, 'never'));
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n').filter((line) => !line.startsWith('['));
    expect(lines.at(-1)).toMatch(/^stallbench: .*corrupting_codec\.py does not round-trip step 1: \/[^ ]+\[0\]: \d+ vs \d+$/);
  });
});

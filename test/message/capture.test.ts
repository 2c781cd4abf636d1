import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandWorks } from '../commands.js';
import { loadMessages } from '../../src/message/load.js';
import type { MessageRecord } from '../../src/message/types.js';

const HELPER_DIR = new URL('../../python', import.meta.url).pathname;

// Debian's interpreter first: a pyenv python3 earlier on PATH may lack numpy.
const candidates = ['/usr/bin/python3', 'python3'];
const python = candidates.find((p) => commandWorks(p, ['-c', 'import sys, json, dataclasses, array; assert sys.version_info >= (3, 8)']));
const numpyPython = candidates.find((p) => commandWorks(p, ['-c', 'import numpy']));
const skipped = (what: string) => `${what} (skipped: no python3 ${what.includes('numpy') ? 'with numpy ' : ''}at ${candidates.join(' or ')})`;

const folder = mkdtempSync(join(tmpdir(), 'stallbench-capture-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function runPython(interpreter: string, script: string): { stdout: string; stderr: string } {
  const result = spawnSync(interpreter, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(HELPER_DIR)})\n${script}`], { encoding: 'utf8', cwd: folder });
  if (result.status !== 0) throw new Error(`python exited ${String(result.status)}: ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

const ENGINE = `
import array, dataclasses, enum
import numpy as np
from capture import Capture

class Phase(enum.Enum):
    DECODE = "decode"

@dataclasses.dataclass
class NewRequest:
    req_id: str
    prompt_token_ids: np.ndarray
    block_ids: tuple

@dataclasses.dataclass
class SchedulerOutput:
    step: int
    scheduled_new_reqs: list
    num_computed_tokens: np.ndarray
    logits: np.ndarray
    grid: np.ndarray
    offsets: array.array
    sampling: dict
    raw: bytes
    finished_req_ids: set
    phase: Phase
    total: np.int64
    engine: object

capture = Capture("out.jsonl", max_steps=10)
for step in range(3):
    reqs = [NewRequest("req-%d-é" % i, np.arange(4) + 100 * i, (7 + i, 9)) for i in range(2 if step < 2 else 0)]
    computed = np.array([5, 6], dtype=np.int64) * (1 if step < 2 else 10 ** 9)
    capture.write(SchedulerOutput(
        step=step, scheduled_new_reqs=reqs, num_computed_tokens=computed,
        logits=np.array([0.5, -0.0, float("nan")], dtype=np.float32),
        grid=np.arange(6, dtype=np.int16).reshape(2, 3), offsets=array.array("i", [0, 2, 4]),
        sampling={"temperature": 0.7, "top_k": np.int32(50), "stop": ("a", "b"), "nested": {"x/y": None}},
        raw=b"\\x00\\xff", finished_req_ids={"r2", "r1"}, phase=Phase.DECODE, total=np.int64(step), engine=object()))
capture.close()
`;

describe('python/capture.py', () => {
  it.runIf(numpyPython !== undefined)(
    numpyPython === undefined ? skipped('captures an engine message with numpy arrays') : 'captures an engine message (dataclass, numpy arrays, tuples, array.array, nested dicts) that loadMessages reads back',
    async () => {
      const { stderr } = runPython(numpyPython ?? 'python3', ENGINE);
      expect(stderr).toBe('capture: /engine: unsupported object, written as a placeholder\n');
      const { messages, dtypes } = await loadMessages(join(folder, 'out.jsonl'));
      expect(messages).toHaveLength(3);
      expect(dtypes).toEqual({
        '/scheduled_new_reqs/*/prompt_token_ids': 'int32',
        '/scheduled_new_reqs/*/block_ids': 'int32',
        // int64 values that fit int32 are declared int32 until a step exceeds it; then the path widens for every step.
        '/num_computed_tokens': 'float64',
        '/logits': 'float32',
        '/grid/data': 'int16',
        '/grid/shape': 'int32',
        '/offsets': 'int32',
        '/raw': 'uint8',
      });
      const [first, , last] = messages as [MessageRecord, MessageRecord, MessageRecord];
      expect(first.step).toBe(0);
      expect(first.scheduled_new_reqs).toEqual([
        { req_id: 'req-0-é', prompt_token_ids: Int32Array.of(0, 1, 2, 3), block_ids: Int32Array.of(7, 9) },
        { req_id: 'req-1-é', prompt_token_ids: Int32Array.of(100, 101, 102, 103), block_ids: Int32Array.of(8, 9) },
      ]);
      expect(first.num_computed_tokens).toEqual(Float64Array.of(5, 6));
      expect(last.num_computed_tokens).toEqual(Float64Array.of(5e9, 6e9));
      expect(last.scheduled_new_reqs).toEqual([]);
      const logits = first.logits as Float32Array;
      expect([logits[0], Object.is(logits[1], -0), Number.isNaN(logits[2])]).toEqual([0.5, true, true]);
      expect(first.grid).toEqual({ shape: Int32Array.of(2, 3), data: Int16Array.of(0, 1, 2, 3, 4, 5) });
      expect(first.offsets).toEqual(Int32Array.of(0, 2, 4));
      expect(first.sampling).toEqual({ temperature: 0.7, top_k: 50, stop: ['a', 'b'], nested: { 'x/y': null } });
      expect(first.raw).toEqual(Uint8Array.of(0, 255));
      expect(first.finished_req_ids).toEqual(['r1', 'r2']);
      expect([first.phase, last.total, first.engine]).toEqual(['decode', 2, '<unsupported object>']);
    },
  );

  it.runIf(python !== undefined)(
    python === undefined ? skipped('stays within its bounds and never raises into the engine') : 'stays within max_steps and max_bytes, warns once, and never raises into the engine',
    () => {
      const { stdout, stderr } = runPython(
        python ?? 'python3',
        `
import sys
from capture import Capture
assert "numpy" not in sys.modules, "capture imported numpy"
steps = Capture("steps.jsonl", max_steps=2)
print([steps.write({"i": i, "ids": bytearray([i])}) for i in range(4)])
small = Capture("bytes.jsonl", max_bytes=50)
print([small.write({"text": "x" * 10}) for i in range(3)])
class Broken:
    __struct_fields__ = ("x",)
    @property
    def x(self):
        raise RuntimeError("engine state changed under us")
broken = Capture("broken.jsonl")
print([broken.write({"ok": 1}), broken.write(Broken()), broken.write({"ok": 2})])
print([Capture("deep.jsonl", max_depth=3).write({"a": {"b": {"c": {"d": 1}}}})])
`,
      );
      expect(stdout.trim().split('\n')).toEqual(['[True, True, False, False]', '[True, True, False]', '[True, False, False]', '[True]']);
      expect(stderr.split('\n').filter(Boolean)).toEqual([
        'capture: stopped after 2 steps: max_steps 2 reached',
        'capture: stopped after 2 steps: max_bytes 50 reached',
        'capture: stopped after 1 steps: RuntimeError: engine state changed under us',
        'capture: /a/b/c: nested deeper than 3, written as a placeholder',
      ]);
      expect(readFileSync(join(folder, 'steps.jsonl'), 'utf8')).toBe('{"i":0,"ids":[0]}\n{"i":1,"ids":[1]}\n');
      expect(readFileSync(join(folder, 'deep.jsonl'), 'utf8')).toBe('{"a":{"b":{"c":"<too deep>"}}}\n');
      expect(JSON.parse(readFileSync(join(folder, 'steps.jsonl.dtypes.json'), 'utf8'))).toEqual({ '/ids': 'uint8' });
    },
  );
});

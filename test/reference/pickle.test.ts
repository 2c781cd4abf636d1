import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCtxMeta } from '../../src/kinds/ctx-meta/generate.js';
import { PythonReferenceError, runPickleReference } from '../../src/reference/pickle.js';

const folder = mkdtempSync(join(tmpdir(), 'stallbench-python-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function fakePython(name: string, script: string): string {
  const path = join(folder, name);
  writeFileSync(path, `#!/bin/sh\n${script}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('the pickle reference helper', () => {
  it('rebuilds the payload in Python, checks it bit for bit, and times both forms', async () => {
    const p = generateCtxMeta({ batch: 5, seqLen: { kind: 'uniform', min: 0, max: 300 }, phase: 'mixed', seed: 4 });
    const payload = { ...p, reqIds: p.reqIds.map((id, i) => (i === 2 ? `請求-é-🚀-${id}` : id)) };
    const r = await runPickleReference(payload, { timeMs: 20 });
    expect(r.verified).toEqual({ boxed: true, array: true });
    expect(r.python).toMatch(/^3\.\d+/);
    for (const form of [r.forms.boxed, r.forms.array]) {
      expect(form.dumps.n).toBeGreaterThanOrEqual(5);
      expect(form.loads.p99).toBeGreaterThanOrEqual(form.loads.p50);
      expect(form.dumps.ci95[0]).toBeLessThanOrEqual(form.dumps.p50);
      expect(form.bytes).toBeGreaterThan(0);
    }
    // Typed arrays pickle as raw bytes; per-element lists cost a few bytes per integer more.
    expect(r.forms.array.bytes).toBeLessThan(r.forms.boxed.bytes);
  });

  it('says clearly when there is no Python', async () => {
    const error = await runPickleReference(generateCtxMeta({ batch: 1, seqLen: 4 }), { python: '/nonexistent/python3' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PythonReferenceError);
    expect((error as Error).message).toBe('/nonexistent/python3: not found');
  });

  it('passes on the reason when Python is too old or fails', async () => {
    const old = fakePython('python-old', 'echo "Python 3.6.9 is too old: pickle protocol 5 needs 3.8 or newer" >&2; exit 3');
    await expect(runPickleReference(generateCtxMeta({ batch: 1, seqLen: 4 }), { python: old })).rejects.toThrow(/exited with 3: Python 3.6.9 is too old/);
    const broken = fakePython('python-broken', 'cat > /dev/null; echo "{not json"');
    await expect(runPickleReference(generateCtxMeta({ batch: 1, seqLen: 4 }), { python: broken })).rejects.toThrow(/not its JSON result/);
  });

  it('kills a helper that hangs', async () => {
    const hung = fakePython('python-hung', 'exec sleep 30');
    await expect(runPickleReference(generateCtxMeta({ batch: 1, seqLen: 4 }), { python: hung, timeoutMs: 300 })).rejects.toThrow(/no answer within 300 ms/);
  });
});

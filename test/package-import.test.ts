import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The package as a user gets it: its package.json exports and the built dist/ (npm test builds before vitest).
const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'stallbench-scratch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the built package', () => {
  it("imports { measureStall, generateCtxMeta } from 'stallbench' in a scratch project and runs it", () => {
    mkdirSync(join(scratch, 'node_modules'));
    symlinkSync(root, join(scratch, 'node_modules', 'stallbench'), 'dir');
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', type: 'module', private: true }));
    writeFileSync(
      join(scratch, 'main.js'),
      `import { measureStall, generateCtxMeta } from 'stallbench';
       const payload = generateCtxMeta({ batch: 4, seqLen: 256 });
       const { report } = await measureStall(payload, 'msgpack', { transport: 'ipc', sampling: 'quick' });
       console.log(JSON.stringify({ slots: report.slots, n: report.stall.n, measuredTp: report.measuredTp, stall: report.stall.p50 > 0 }));`,
    );
    const out = execFileSync(process.execPath, ['main.js'], { cwd: scratch, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop() ?? '{}')).toEqual({ slots: 1024, n: 30, measuredTp: 2, stall: true });
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// docs/api is generated from the JSDoc; a change to the public API without `npm run docs:api` fails here.
const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'stallbench-api-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

describe('docs/api', () => {
  it('is what typedoc makes from src/index.ts now', () => {
    execFileSync(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', scratch, '--logLevel', 'Error'], { cwd: root });
    const made = filesUnder(scratch);
    const committed = filesUnder(join(root, 'docs/api'));
    expect([...committed.keys()].sort()).toEqual([...made.keys()].sort());
    for (const [path, text] of made) expect(committed.get(path), path).toBe(text);
  }, 120_000);
});

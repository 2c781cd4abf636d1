import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The README's examples, taken from the README itself and run as a user runs them: the package from its exports and dist/.
const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'stallbench-scratch-'));
const cli = join(root, 'dist', 'cli.js');

/** The fenced blocks of one README section (from its heading to the next heading of any level), in order. */
function blocksUnder(heading: string): { lang: string; body: string }[] {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading ${heading}`);
  const rest = readme.slice(start + heading.length + 2);
  const section = rest.slice(0, rest.search(/\n#{1,6} /) < 0 ? rest.length : rest.search(/\n#{1,6} /));
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1] ?? '', body: m[2] ?? '' }));
}

/** The command lines of a sh block, without their comments. */
function commandsOf(body: string): string[] {
  return body.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

beforeAll(() => {
  mkdirSync(join(scratch, 'node_modules'));
  symlinkSync(root, join(scratch, 'node_modules', 'stallbench'), 'dir');
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', type: 'module', private: true }));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the README's examples", () => {
  it('Python codec module: the example is the fixture the tests use, less its docstring', () => {
    const module = blocksUnder('### Your Python engine').find((b) => b.lang === 'python')?.body ?? '';
    const fixture = readFileSync(join(root, 'test/fixtures/python/frames_codec.py'), 'utf8');
    expect(fixture.slice(fixture.indexOf('"""', 3) + 4).replace(/^\n+/, '')).toBe(module);
    expect(module).toMatch(/^def create\(\):$/m);
  });

  it('quick start: names the npm scripts the package has', () => {
    const [block] = blocksUnder('## Quick start');
    const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const named = commandsOf(block?.body ?? '').map((c) => c.replace(/^npm (run )?/, ''));
    expect(named).toEqual(['ci', 'bench', 'test', 'report']);
    for (const name of named.filter((n) => n !== 'ci')) expect(scripts).toContain(name);
  });

  it("measureStall: the example runs as written, importing from 'stallbench', and prints a report of what it measured", () => {
    const [block] = blocksUnder('### From code: `measureStall`');
    expect(block?.lang).toBe('ts');
    writeFileSync(join(scratch, 'measure.mjs'), block?.body ?? '');
    const out = execFileSync(process.execPath, ['measure.mjs'], { cwd: scratch, encoding: 'utf8' });
    expect(out).toMatch(/msgpack/);
    expect(out).toMatch(/delta/);
    expect(out).toMatch(/tp=4/);
  });

  it('codec module: the example is the fixture the tests use, and its commands run with it beside a built-in', () => {
    const blocks = blocksUnder('### Your codec');
    const module = blocks.find((b) => b.lang === 'js')?.body ?? '';
    const fixture = readFileSync(join(root, 'test/fixtures/codecs/json-frames.mjs'), 'utf8');
    expect(fixture.split('\n').slice(1).join('\n')).toBe(module);
    writeFileSync(join(scratch, 'json-frames.mjs'), module);
    const commands = commandsOf(blocks.find((b) => b.lang === 'sh')?.body ?? '');
    expect(commands).toHaveLength(2);
    const [sweep, stall] = commands.map((c) => c.split(/\s+/).slice(1));
    const swept = execFileSync(process.execPath, [cli, ...(sweep ?? []), '--quick', '--no-python', '--seq-lens', '256', '--out', join(scratch, 'sweep')], { cwd: scratch, encoding: 'utf8' });
    expect(swept).toMatch(/json-frames/);
    const stalled = execFileSync(process.execPath, [cli, ...(stall ?? []), '--quick'], { cwd: scratch, encoding: 'utf8' });
    expect(stalled).toMatch(/json-frames/);
  });
});

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built command, as `npm run bench` runs it (npm test builds before vitest).
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('stallbench command', () => {
  it('prints usage for --help', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--seq-lens');
  });

  it.each([
    [['--frobnicate'], /unknown option '--frobnicate'/i],
    [['--codecs', 'zip'], /unknown codec 'zip'/],
    [['--strategies', 'teleport'], /unknown strategy 'teleport'/],
    [['--batch', '-3'], /batch/],
    [['--seq-lens', '512,abc'], /seq-lens/],
    [['--step-ms', '0'], /step-ms/],
    [['--finish-rate', '2'], /finish-rate/],
  ])('refuses %j with one clear line and exit code 2', (args, message) => {
    const r = run(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('report exits non-zero and leaves the README alone when results are missing', () => {
    const readme = fileURLToPath(new URL('../README.md', import.meta.url));
    const before = readFileSync(readme, 'utf8');
    const r = run('report', '--results', '/nonexistent-stallbench', '--readme', readme);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/latest.json: missing/);
    expect(readFileSync(readme, 'utf8')).toBe(before);
  });
});

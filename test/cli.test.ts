import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSweepResults } from '../src/report/sweep-results.js';
import { fixedPlan } from '../src/broadcast/sampling.js';
import { smallResults } from './report/fixture.js';

// The built command, as `npm run bench` runs it (npm test builds before vitest).
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
const folder = mkdtempSync(join(tmpdir(), 'stallbench-cli-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/codecs/${name}`, import.meta.url));

describe('stallbench command', () => {
  it.each(['--help', 'sweep --help', 'report --help', 'compare --help', 'codecs --help', 'ipc --help', 'stall --help'])('prints usage for %s', (args) => {
    const r = run(...args.split(' '));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: stallbench/);
  });

  it('lists the presets and the settings an engine team needs in the sweep help', () => {
    const r = run('--help');
    for (const option of ['--seq-lens', '--block-size', '--overlap', '--preset', '--regime', '--samples', '--repeat', 'llama-70b-tp4-h100', 'falcon-180b-tp8-h100']) expect(r.stdout).toContain(option);
  });

  it.each([
    [['--frobnicate'], /unknown option '--frobnicate'/i],
    [['--codecs', 'zip'], /unknown codec 'zip'/],
    [['--strategies', 'teleport'], /unknown strategy 'teleport'/],
    [['--batch', '-3'], /batch/],
    [['--seq-lens', '512,abc'], /seq-lens/],
    [['--step-ms', '0'], /step-ms/],
    [['--finish-rate', '2'], /finish-rate/],
    [['--regime', 'pooled'], /regime/],
    [['--preset', 'nope'], /preset/],
    [['--samples', '0'], /samples/],
    [['compare', 'only-one.json'], /needs two results files/],
    [['stall', '--codec', 'zip'], /unknown codec 'zip'/],
    [['--spin-us', '100'], /spin-us.*only where the shm-ring transport runs/],
    [['ipc', '--spin-us', '100'], /spin-us.*only where the shm-ring transport runs/],
    [['--transport', 'shm-ring', '--spin-us', '-1'], /spin-us/],
    [['stall', '--transport', 'shm-ring', '--spin-us', '1.5'], /spin-us/],
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
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/latest.json: missing/);
    expect(readFileSync(readme, 'utf8')).toBe(before);
  });

  it('compare: a file against itself is ~ on every row; a truncated or foreign file is one line and exit 2', async () => {
    const dir = join(folder, 'a');
    // Six blocks a row: enough for compare to test each one.
    const files = writeSweepResults(dir, await smallResults({ codecs: ['msgpack'], strategies: ['full', 'delta'], sampling: { ...fixedPlan(12, 2), blocks: 6 } }));
    const same = run('compare', files.json, dir, '--fail-above', '5');
    expect(same.status).toBe(0);
    expect(same.stdout).toMatch(/4 rows in both: 4 ~, 0 faster, 0 slower, 0 \?/);
    const truncated = join(folder, 'truncated.json');
    writeFileSync(truncated, readFileSync(files.json, 'utf8').slice(0, 200));
    const bad = run('compare', files.json, truncated);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/truncated/);
    const foreign = join(folder, 'foreign.json');
    writeFileSync(foreign, '{"schemaVersion": 2, "kind": "sweep", "rows": []}');
    expect(run('compare', foreign, files.json).stderr).toMatch(/schema version 2/);
  });

  it('report writes a new README from a results folder the CLI wrote, skipping the files a sweep does not make', async () => {
    const dir = join(folder, 'b');
    writeSweepResults(dir, await smallResults({ codecs: ['msgpack-boxed'], strategies: ['full', 'no-slots', 'delta'] }));
    const readme = join(folder, 'REPORT.md');
    const r = run('report', '--results', dir, '--readme', readme);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/regenerated decision, sweep, story, seed, pickle/);
    expect(r.stdout).toMatch(/left as they were: stall-example .*codecs .*ipc/);
    expect(readFileSync(readme, 'utf8')).toContain('| msgpack-boxed | full |');
  });

  it.each([
    [['--codecs', `msgpack,${fixture('throws-in-encode.mjs')}`, '--quick', '--no-python', '--seq-lens', '512'], /^stallbench: codec throws-in-encode: encode threw on step 1 \(Error: boom in encode\); nothing was measured$/],
    [['stall', '--quick', '--codec', fixture('throws-in-encode.mjs')], /^stallbench stall: codec throws-in-encode: encode threw on step 1 \(Error: boom in encode\)/],
    [['stall', '--quick', '--codec', fixture('throws-in-decode.mjs')], /^stallbench stall: codec throws-in-decode: decode threw on step 0 \(RangeError: boom in decode\)/],
  ])('names the codec, the call and the step when a codec module throws, %j, in one line with exit 2', (args, message) => {
    const r = run(...args, '--out', join(folder, args[0] === 'stall' ? 'thrown.json' : 'thrown'));
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('['))).toEqual([expect.stringMatching(message)]);
    expect(r.status).toBe(2);
  });

  it.each([
    [['--quick', '--no-python', '--out', '/proc/stallbench-x'], /^stallbench: cannot write to \/proc\/stallbench-x: /],
    [['--quick', '--no-python', '--out', 'README.md/x'], /^stallbench: cannot write to README\.md\/x: .*is a file, not a folder/],
    [['stall', '--quick', '--out', '/proc/x/stall.json'], /^stallbench stall: cannot write to \/proc\/x/],
    [['stall', '--tp', '1'], /tp.*'1' is not an integer in \[2, 1024\]/],
    [['--seq-lens', '2000000'], /seq-lens.*\[1, 1048576\]/],
    [['report', '--results', 'no-such-folder', '--readme', '/dev/null'], /no-such-folder.*missing/],
  ])('refuses %j before measuring anything: one line, exit 2', (args, message) => {
    const started = Date.now();
    const r = run(...args);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(r.status).toBe(2);
    // Before any rank starts: not the minute a measurement would take (loose for a loaded machine).
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it.each([
    [['--codecs', 'msgpack,./no/such/codec.mjs'], /codec module .*codec\.mjs: did not load/],
    [['stall', '--codec', fixture('takes-builtin-name.mjs')], /named 'msgpack', which is a built-in codec/],
    [['--codecs', fixture('no-default.mjs')], /no default export/],
  ])('refuses a codec module that cannot be used, %j, in one line with exit 2 before any rank starts', (args, message) => {
    const r = run(...args, '--out', join(folder, 'never'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('stops a corrupting codec module before timing: CodecMismatchError in one line, exit 2 (the module is the user\'s to fix)', () => {
    const r = run('stall', '--codec', fixture('corrupting.mjs'), '--seq-len', '64', '--batch', '4', '--quick');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/corrupting does not round-trip step 0: \/blockTables\[3\]/);
  });

  it('measures a user codec module and a captured message file from the command line', () => {
    const out = join(folder, 'own');
    const r = run('--quick', '--no-python', '--codecs', `msgpack,${fixture('json-frames.mjs')}`, '--strategies', 'full', '--seq-lens', '64', '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/json-frames\s+full/);
    const messages = join(folder, 'steps.jsonl');
    writeFileSync(messages, Array.from({ length: 12 }, (_, i) => JSON.stringify({ step: i, req_ids: ['a', 'b'], new_block_ids: [100 + i, 200 + i], temperature: 0.7 })).join('\n'));
    const m = run('--quick', '--codecs', 'msgpack,cbor', '--messages', messages, '--out', join(folder, 'captured'));
    expect(m.status).toBe(0);
    expect(m.stdout).toMatch(/msgpack\s+delta/);
    expect(readFileSync(join(folder, 'captured', 'charts', 'stall-by-codec.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('names the file and the line of a malformed captured message, exit 2', () => {
    const bad = join(folder, 'bad.jsonl');
    writeFileSync(bad, '{"step": 0, "ids": [1, 2]}\n{"step": 1, "ids": [1, 2\n');
    const r = run('--quick', '--messages', bad, '--out', join(folder, 'never'));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/bad\.jsonl:2: malformed JSON/);
  });
});

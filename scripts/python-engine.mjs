#!/usr/bin/env node
// The README's "Measure your Python engine" figures, from a command: the engine stand-in
// (test/fixtures/python/engine_standin.py, dataclasses shaped like vLLM's SchedulerOutput) captures its steps with
// python/capture.py, replay included; then one sweep runs them as plain Python data through every Python codec and a
// codec module, every Node codec beside them, and one replays the stand-in's own objects through pickle and pickle-oob.
// Usage: node scripts/python-engine.mjs [--out docs/results/engine] [--python /usr/bin/python3] [--quick]
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/results/engine' }, python: { type: 'string', default: '/usr/bin/python3' }, quick: { type: 'boolean', default: false } } });
const standin = 'test/fixtures/python/engine_standin.py';
const capture = join(values.out, 'standin.jsonl');
mkdirSync(values.out, { recursive: true });
// Each run replaces the last: the report reads latest.json, and older sweeps would only linger.
for (const folder of ['plain', 'replay']) rmSync(join(values.out, folder), { recursive: true, force: true });
const sh = (command, args) => execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
sh(values.python, [standin, capture, '--steps', '200', '--running', '64', '--prompt-max', '2048', '--replay']);
const common = ['dist/cli.js', '--messages', capture, '--python', values.python, ...(values.quick ? ['--quick'] : ['--samples', '400', '--blocks', '20'])];
sh(process.execPath, [...common, '--python-codecs', `pickle,pickle-oob,msgpack,msgpack-numpy,${join('test/fixtures/python', 'frames_codec.py')}`, '--out', join(values.out, 'plain')]);
sh(process.execPath, [...common, '--codecs', 'msgpack', '--strategies', 'full', '--replay', '--python-path', 'test/fixtures/python', '--python-codecs', 'pickle,pickle-oob', '--out', join(values.out, 'replay')]);

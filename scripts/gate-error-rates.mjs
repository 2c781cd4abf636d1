#!/usr/bin/env node
// Measures the regression gate's error rates on this machine and writes them where `stallbench report` reads them:
// A/A — pairs of identical runs of benchmarks/gate.mjs, quick and full, back to back: the share of rows `compare`
// flags, and how often `--fail-above 10` fails a pair; A/B — a run, then the same suite with one row (msgpack-module
// full at seq_len 4096) made slower by 20% of that row's stall in the run before it: how often the gate detects it.
// Usage: node scripts/gate-error-rates.mjs [--pairs N] [--out FILE] [--ab-only] (--ab-only keeps the A/A figures of --out).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compareResults, regressions } from '../dist/report/compare.js';
import { readSweep } from '../dist/report/sweep-results.js';
import { collectRunContext } from '../dist/harness/context.js';
import { writeFileAtomic } from '../dist/harness/write-atomic.js';
import { GATE_SCHEMA_VERSION } from '../dist/report/gate-section.js';

const { values } = parseArgs({ options: { pairs: { type: 'string', default: '10' }, out: { type: 'string', default: 'docs/results/gate.json' }, 'fail-above': { type: 'string', default: '10' }, 'ab-only': { type: 'boolean', default: false } } });
const pairs = Number(values.pairs);
const failAbove = Number(values['fail-above']);
if (!Number.isInteger(pairs) || pairs < 1 || pairs > 100) throw new Error(`--pairs must be an integer in [1, 100], got ${values.pairs}`);
const scratch = mkdtempSync(join(tmpdir(), 'stallbench-gate-'));
const SLOWED = 'node msgpack-module full ipc reused 64x4096 tp=2';
// Between the 512 (32768 slots) and 4096 (262144 slots) full steps: only the 4096 full row is slowed.
const MIN_SLOTS = 64 * 2048;
let run = 0;

/** One run of the gate suite into its own folder; returns the results. */
function gateRun(quick, env = {}) {
  const out = join(scratch, `run-${run++}`);
  execFileSync(process.execPath, ['dist/cli.js', 'run', 'benchmarks/gate.mjs', ...(quick ? ['--quick'] : []), '--out', out], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } });
  process.stderr.write(`\rgate run ${run} done${' '.repeat(20)}\n`);
  return readSweep(out).results;
}

/** A/A: identical pairs, each compared as the gate compares. */
function aa(quick) {
  const outcome = { pairs, rows: 0, flagged: 0, untested: 0, failedPairs: 0 };
  for (let i = 0; i < pairs; i++) {
    const a = gateRun(quick);
    const b = gateRun(quick);
    const c = compareResults(a, b);
    outcome.rows += c.rows.length;
    outcome.flagged += c.rows.filter((r) => r.verdict === 'faster' || r.verdict === 'slower').length;
    outcome.untested += c.rows.filter((r) => r.verdict === '?').length;
    if (regressions(c, failAbove).length > 0) outcome.failedPairs++;
  }
  return { outcome };
}

const keyOf = (row) => `${row.runtime} ${row.codec} ${row.strategy} ${row.transport} ${row.report.regime} ${row.batch}x${row.seqLen} tp=${row.report.measuredTp}`;

try {
  const earlier = values['ab-only'] ? JSON.parse(readFileSync(values.out, 'utf8')) : null;
  const quick = earlier?.quick ?? aa(true).outcome;
  const full = earlier?.full ?? aa(false).outcome;
  // Each pair back to back, as the A/A pairs: the extra is 20% of the slowed row's median stall in that pair's A run,
  // spun in each decode on the rank.
  const ab = { pairs, row: SLOWED, baseMs: [], slowUs: [], detected: 0, failedPairs: 0, ratios: [], otherRows: 0, otherRowsFlagged: 0 };
  for (let i = 0; i < pairs; i++) {
    const a = gateRun(false);
    const base = a.rows.find((row) => keyOf(row) === SLOWED).stallOverBlocks.p50;
    const slowUs = Math.round(base * 0.2 * 1000);
    const b = gateRun(false, { STALLBENCH_GATE_SLOW_US: String(slowUs), STALLBENCH_GATE_SLOW_MIN_SLOTS: String(MIN_SLOTS) });
    const c = compareResults(a, b);
    const row = c.rows.find((r) => r.key === SLOWED);
    ab.baseMs.push(base);
    ab.slowUs.push(slowUs);
    ab.ratios.push(row.ratio);
    if (row.verdict === 'slower') ab.detected++;
    if (regressions(c, failAbove).length > 0) ab.failedPairs++;
    const others = c.rows.filter((r) => r.key !== SLOWED);
    ab.otherRows += others.length;
    ab.otherRowsFlagged += others.filter((r) => r.verdict === 'faster' || r.verdict === 'slower').length;
  }
  const file = { schemaVersion: GATE_SCHEMA_VERSION, kind: 'gate', command: `node scripts/gate-error-rates.mjs --pairs ${pairs}${values['ab-only'] ? ' (A/B rerun with --ab-only)' : ''}`, context: collectRunContext(), failAbove, quick, full, ab };
  writeFileAtomic(values.out, `${JSON.stringify(file, null, 1)}\n`);
  console.log(`wrote ${values.out}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

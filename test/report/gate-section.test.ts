import { describe, expect, it } from 'vitest';
import { collectRunContext } from '../../src/harness/context.js';
import { gateSection, GATE_SCHEMA_VERSION, type GateResultsFile } from '../../src/report/gate-section.js';

const file = (failedPairs: number, detected: number): GateResultsFile => ({
  schemaVersion: GATE_SCHEMA_VERSION,
  kind: 'gate',
  command: 'node scripts/gate-error-rates.mjs --pairs 10',
  context: collectRunContext(),
  failAbove: 10,
  quick: { pairs: 10, rows: 160, flagged: 3, untested: 0, failedPairs: 1 },
  full: { pairs: 10, rows: 160, flagged: 2, untested: 0, failedPairs },
  ab: { pairs: 10, row: 'node msgpack-module full ipc reused 64x4096 tp=2', baseMs: [2.5, 2.4, 2.6], slowUs: [500, 480, 520], detected, failedPairs: detected, ratios: [1.15, 1.2, 1.22], otherRows: 150, otherRowsFlagged: 1 },
});

describe('the gate section', () => {
  it('states each measured rate with its counts, and whether each target is met', () => {
    const text = gateSection(file(1, 9), 'docs/results/gate.json');
    expect(text).toMatch(/16 rows a run/);
    expect(text).toMatch(/\| A\/A, full sampling \| 10 \| 2 of 160 \(1\.3%\) \| 1 of 10 pairs \| at most 1 of 10 pairs failed: target met \|/);
    expect(text).toMatch(/detected in 9 of 10 pairs \(change 15% to 22%\)/);
    expect(text).toMatch(/480–520 µs spun per decode, 20% of its 2\.40–2\.60 ms stall/);
    expect(text).toMatch(/detected in at least 9 of 10: target met/);
    const missed = gateSection(file(2, 8), 'docs/results/gate.json');
    expect(missed.match(/\*\*target not met\*\*/g)).toHaveLength(2);
  });
});

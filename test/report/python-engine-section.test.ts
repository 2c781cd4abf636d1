import { describe, expect, it } from 'vitest';
import { pythonEngineSection } from '../../src/report/python-engine-section.js';
import { readLatestSweep } from '../../src/report/sweep-results.js';

// The committed figures of scripts/python-engine.mjs: the stand-in's plain form, and its own objects replayed.
const plain = readLatestSweep('docs/results/engine/plain/latest.json');
const replay = readLatestSweep('docs/results/engine/replay/latest.json');

describe('the Python engine section', () => {
  it('sets the replayed objects beside their plain form, with a test, and Node\'s fastest of each strategy', () => {
    const text = pythonEngineSection(plain, replay);
    expect(text).toMatch(/`pickle` of the stand-in's own dataclasses stalls [\d.]+ \[[\d.]+, [\d.]+\] ms a step against [\d.]+ \[[\d.]+, [\d.]+\] ms for their plain form: .*\(Mann–Whitney on 20 \+ 20 blocks, p [<=] [\d.]+\)/);
    const rows = text.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| codec') && !line.startsWith('| ---'));
    const held = rows.map((row) => row.split(' | ')[2]);
    expect(held.filter((h) => h === "engine's objects")).toHaveLength(2);
    expect(held.filter((h) => h === '(Node)')).toHaveLength(2);
    expect(held.filter((h) => h === 'plain data')).toHaveLength(10);
    // Every Python row has its own floor.
    expect(rows.every((row) => /^\d/.test(row.split(' | ')[6] ?? ''))).toBe(true);
  });

  it('without a replay, shows the plain rows and no comparison', () => {
    const text = pythonEngineSection(plain, null);
    expect(text).not.toMatch(/dataclasses stalls/);
    expect(text).not.toMatch(/engine's objects/);
  });
});

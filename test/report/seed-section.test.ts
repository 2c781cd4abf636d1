import { describe, expect, it } from 'vitest';
import { seedSection } from '../../src/report/seed-section.js';
import { found, python } from '../python/interpreter.js';
import { smallResults } from './fixture.js';

describe('the seed section', () => {
  it('says there are no Python rows when the run has none', async () => {
    const results = await smallResults({ codecs: ['msgpack'], strategies: ['full'], seqLens: [64] });
    expect(seedSection(results)).toMatch(/^No Python rows in this run \(test\)/);
  });

  it.skipIf(found.info === null)('finds the first size where pickle/full reaches the threshold and sets the strategies and the fastest Node row beside it, each with its test', async () => {
    const results = await smallResults({
      codecs: ['msgpack'],
      strategies: ['full', 'no-slots', 'delta'],
      seqLens: [64, 128],
      transports: ['ipc'],
      python: python(),
      pythonCodecs: ['pickle'],
    });
    // A threshold of 0 is reached at the smallest size; one no step reaches leaves the largest.
    const reached = seedSection(results, 0);
    expect(reached).toMatch(/first stalls 0 ms or more per step, the profile's pickle \+ unpickle, at batch 4 × seq_len 64/);
    expect(reached).toMatch(/`no-slots` stalls [\d.]+ \[[\d.]+, [\d.]+\] ms: .*Mann–Whitney on \d+ \+ \d+ steps, p [=<] [\d.]+/);
    expect(reached).toMatch(/`delta` stalls/);
    expect(reached).toMatch(/The fastest Node configuration at that size, `msgpack` `(full|no-slots|delta)` over ipc/);
    // The caveat appears exactly when the Python row waited for cores and the Node row did not (core counts differ by machine).
    const pickleFull = results.rows.find((r) => r.runtime === 'python' && r.strategy === 'full' && r.seqLen === 64);
    const node = results.rows.find((r) => r.runtime === 'node' && r.seqLen === 64);
    expect(reached.includes('Not like for like')).toBe(pickleFull?.report.oversubscribed === true && node?.report.oversubscribed === false);
    const lines = reached.split('\n');
    const pickleRows = lines.filter((l) => l.startsWith('| pickle (python) |'));
    expect(pickleRows.map((l) => l.split('|')[2]?.trim()).sort()).toEqual(['delta', 'full', 'no-slots']);
    expect(lines.filter((l) => l.startsWith('| msgpack |'))).toHaveLength(1);
    expect(seedSection(results, 1e9)).toMatch(/stayed under 1000000000 ms per step up to batch 4 × seq_len 128/);
  });
});

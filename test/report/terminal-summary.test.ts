import { describe, expect, it } from 'vitest';
import { whatToChange } from '../../src/report/decision-section.js';
import { terminalSummary } from '../../src/report/terminal-summary.js';
import { smallResults } from './fixture.js';

describe('the terminal summary', () => {
  it('leads with the decision at 100 columns, idle share kept, then what to change and every row at the largest size', async () => {
    const results = await smallResults({ codecs: ['msgpack-boxed', 'msgpack', 'cbor'], strategies: ['full', 'no-slots', 'delta'], seqLens: [64, 256] });
    const text = terminalSummary(results, 100);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^The decision/);
    const tables = lines.filter((l) => / {2}/.test(l) || /^-+ /.test(l));
    for (const line of tables) expect(line.length).toBeLessThanOrEqual(100);
    expect(lines[1]).toMatch(/seq_len +what +codec +stall ms p50 \[95% CI\] +tp4 idle +vs seed/);
    expect(text).not.toMatch(/did not fit/);
    expect(text).toContain(whatToChange(results));
    expect(lines.filter((l) => /^(msgpack-boxed|msgpack|cbor) /.test(l))).toHaveLength(9);
  });

  it('names the change from the fastest full row to the fastest row, with both stalls, when no Python rows ran', async () => {
    const results = await smallResults({ codecs: ['msgpack-boxed'], strategies: ['full', 'delta'], seqLens: [512] });
    const sentence = whatToChange(results);
    const full = results.rows.find((r) => r.strategy === 'full');
    const delta = results.rows.find((r) => r.strategy === 'delta');
    expect(full !== undefined && delta !== undefined && delta.stallOverBlocks.p50 < full.stallOverBlocks.p50).toBe(true);
    expect(sentence).toMatch(/^At seq_len 512: change msgpack-boxed full \([\d.]+ ms per step\) to msgpack-boxed delta \([\d.]+ ms\), [\d.]+× less stall/);
  });
});

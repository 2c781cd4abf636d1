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

  it('gives each tcp row a line with its link band and rank 1\'s clock, and none where no row crossed a network', async () => {
    const results = await smallResults({ codecs: ['msgpack'], strategies: ['full', 'delta'], seqLens: [64] });
    expect(terminalSummary(results, 100)).not.toMatch(/Over tcp/);
    const [tcp] = results.rows;
    if (tcp === undefined) throw new Error('no row');
    Object.assign(tcp, { transport: 'tcp-plain', clock: [{ rank: 1, host: 'node-b', offsetUs: -20.5, uncertaintyUs: 150.25, driftUs: 3, blocks: 8 }], link: [{ tp: 2, link: '25us,100Gbps', lowMs: 1.5, highMs: 1.5, basis: '' }, { tp: 8, link: '25us,100Gbps', lowMs: 1.5, highMs: 2.25, basis: '' }] });
    const lines = terminalSummary(results, 100).split('\n');
    expect(lines).toContain(`  msgpack ${tcp.strategy} over tcp-plain: link 25us,100Gbps at tp8 1.500–2.250 ms; clock of rank 1 on node-b -20.5 ± 150.3 µs`);
    expect(lines.filter((l) => / over /.test(l))).toHaveLength(1);
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

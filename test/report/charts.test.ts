import { describe, expect, it } from 'vitest';
import { chartSpecs, codecColors, renderCharts } from '../../src/report/charts.js';
import { listCodecs } from '../../src/codecs/registry.js';
import { smallResults } from './fixture.js';

describe('charts', () => {
  it('give every codec its own colour, even with every built-in codec in one chart', async () => {
    const results = await smallResults({ codecs: listCodecs(), strategies: ['delta'], seqLens: [32] });
    const { domain, range } = codecColors(results);
    expect(domain).toEqual(listCodecs());
    expect(new Set(range).size).toBe(range.length);
    const svg = (await renderCharts(results))['stall-vs-seqlen.svg'];
    // Each codec's line is drawn in its own colour.
    for (const colour of range) expect(svg).toContain(`stroke="${colour}"`);
  });

  it('draw one GPU-step rule per panel, ticks at the measured seq_lens, and full legend labels', async () => {
    const results = await smallResults({ seqLens: [64, 128] });
    const specs = chartSpecs(results);
    const text = JSON.stringify(specs['stall-vs-seqlen.svg']);
    expect(text).toContain('"values":[64,128]');
    const svg = (await renderCharts(results))['stall-vs-seqlen.svg'];
    const strategies = new Set(results.rows.map((r) => r.strategy)).size;
    // The step rule is the only black dashed line: one per panel, not one per row.
    expect(svg.match(/stroke="black" stroke-dasharray="2,2"/g)).toHaveLength(strategies);
    expect(svg).toContain('msgpack-boxed');
    expect(svg).not.toContain('…');
  });

  it('render the split and, from processes, the timeline of the median steps', async () => {
    const results = await smallResults({ transports: ['ipc'], codecs: ['msgpack'], strategies: ['full', 'delta'], seqLens: [64] });
    const charts = await renderCharts(results);
    expect(charts['stall-split.svg']).toContain('transfer');
    expect(charts['stall-split.svg']).toContain('own scale');
    expect(charts['timeline.svg']).toContain('tp=2');
    const inProcess = await renderCharts(await smallResults({ codecs: ['msgpack'], strategies: ['full'], seqLens: [64] }));
    expect(inProcess['timeline.svg']).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { chartSpecs, codecColors, renderCharts, SERIES_COLORS } from '../../src/report/charts.js';
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

/** CIELAB distance of two sRGB colours: how far apart they look. */
function deltaE(x: string, y: string): number {
  const lab = (hex: string): number[] => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)) as [number, number, number];
    const f = (t: number): number => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
    const [fx, fy, fz] = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883].map(f) as [number, number, number];
    return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
  };
  const [a, b] = [lab(x), lab(y)];
  return Math.hypot(...a.map((v, i) => v - (b[i] ?? 0)));
}

describe('charts read as drawn', () => {
  it('keep the ten built-in codecs and three Python rows apart: no two of the first 13 colours closer than ΔE 27', () => {
    const colours = SERIES_COLORS.slice(0, listCodecs().length + 3);
    const closest = Math.min(...colours.flatMap((a, i) => colours.slice(i + 1).map((b) => deltaE(a, b))));
    expect(closest).toBeGreaterThanOrEqual(27);
  });

  it('tick the largest measured size inside the axis, draw the runtime legend as lines, and list in the split only the parts drawn', async () => {
    const results = await smallResults({ codecs: ['msgpack'], strategies: ['full'], seqLens: [64, 128] });
    const spec = JSON.stringify(chartSpecs(results)['stall-vs-seqlen.svg']);
    const domain = /"domain":\[([\d.]+),([\d.]+)\],"nice":false/.exec(spec);
    expect(Number(domain?.[1])).toBeLessThan(64);
    expect(Number(domain?.[2])).toBeGreaterThan(128);
    const charts = await renderCharts(results);
    expect(charts['stall-vs-seqlen.svg']).toMatch(/d="M-10,0L10,0" stroke="black" stroke-width="2" stroke-dasharray="6,3"/);
    expect(charts['stall-vs-seqlen.svg']).toMatch(/d="M-10,0L10,0" stroke="black" stroke-width="2" stroke-dasharray="1,0"/);
    expect(charts['stall-split.svg']).toContain('>derive<');
    expect(charts['stall-split.svg']).not.toContain('>send<');
  });
});

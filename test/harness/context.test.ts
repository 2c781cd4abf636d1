import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectRunContext } from '../../src/harness/context.js';

describe('the run context', () => {
  it("records every runtime dependency's installed version, the native add-ons, the load and the allocator", () => {
    const c = collectRunContext();
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; dependencies: Record<string, string> };
    expect(c.packages.stallbench).toBe(manifest.version);
    // Versions are pinned exactly, so the installed version is the one in package.json.
    for (const [name, version] of Object.entries(manifest.dependencies)) expect(c.packages[name]).toBe(version);
    expect(Object.keys(c.nativeAddons).sort()).toEqual(['cbor-extract', 'msgpackr-extract', 'shm-typed-array', 'zeromq']);
    expect(c.nativeAddons['shm-typed-array']).toBe(true);
    expect(c.loadAverage).toHaveLength(3);
    expect(c.loadAverage.every((x) => x >= 0)).toBe(true);
    expect(c.allocator.glibc).toMatch(/^2\.\d+$/);
  });
});

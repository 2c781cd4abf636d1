import { describe, expect, it } from 'vitest';
import { createFreshCopy, createMemcpy, createRingMemcpy } from '../../src/harness/memcpy.js';

describe('copy floors', () => {
  it('each copies the whole payload once per call', () => {
    expect(createMemcpy(1000)()).toBe(1000);
    const fresh = createFreshCopy(1000)();
    expect(fresh.byteLength).toBe(1000);
    expect(fresh.every((b) => b === 7)).toBe(true);
  });

  it('the ring copy goes from two sources in turn into each of its slots in turn', () => {
    const ring = createRingMemcpy(1000, 3);
    const fills = (): number[] => ring.targets.map((t) => (t.every((b) => b === t[0]) ? (t[0] ?? -1) : -1));
    expect(fills()).toEqual([0, 0, 0]);
    for (let i = 0; i < 3; i++) expect(ring()).toBe(1000);
    expect(fills()).toEqual([7, 9, 7]);
    ring();
    expect(fills()).toEqual([9, 9, 7]);
  });
});

import { describe, expect, it } from 'vitest';
import { createFreshCopy, createMemcpy, createRingMemcpy } from '../../src/harness/memcpy.js';

describe('copy floors', () => {
  it('each copies the whole payload once per call', () => {
    expect(createMemcpy(1000)()).toBe(1000);
    const fresh = createFreshCopy(1000)();
    expect(fresh.byteLength).toBe(1000);
    expect(fresh.every((b) => b === 7)).toBe(true);
    const ring = createRingMemcpy(1000, 3);
    for (let i = 0; i < 7; i++) expect(ring()).toBe(1000);
  });
});

import { describe, expect, it } from 'vitest';
import { formatDuration, secondsLeft } from '../../src/cli/progress.js';

describe('the time left', () => {
  it('is unknown until five blocks are measured, then the rate since the first block times what is left', () => {
    const first = { atMs: 60_000, done: 0 };
    expect(secondsLeft(first, { atMs: 61_000, done: 4 }, 100)).toBeNull();
    // Five blocks in 1 s: 95 left take 19 s, however long the start-up before the first block took.
    expect(secondsLeft(first, { atMs: 61_000, done: 5 }, 100)).toBeCloseTo(19, 12);
    expect(secondsLeft(first, { atMs: 61_000, done: 100 }, 100)).toBe(0);
    expect(formatDuration(19)).toBe('19s');
    expect(formatDuration(185)).toBe('3m05s');
  });
});

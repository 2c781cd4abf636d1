import { describe, expect, it } from 'vitest';
import { formatDuration, secondsLeft } from '../../src/cli/progress.js';
import { blockWork, SLOTS_PER_STEP_UNIT } from '../../src/sweep/work.js';

describe('the time left', () => {
  it('is unknown until a block has finished, then the work rate since the first block times the work left', () => {
    const first = { atMs: 60_000, work: 0 };
    expect(secondsLeft(first, { atMs: 60_000, work: 0 }, 100)).toBeNull();
    // Five units of work in 1 s: 95 left take 19 s, however long the start-up before the first block took.
    expect(secondsLeft(first, { atMs: 61_000, work: 5 }, 100)).toBeCloseTo(19, 12);
    expect(secondsLeft(first, { atMs: 61_000, work: 100 }, 100)).toBe(0);
    expect(formatDuration(19)).toBe('19s');
    expect(formatDuration(185)).toBe('3m05s');
  });

  it('weighs a block by the slots its steps carry, so one small block does not promise a short run of large ones', () => {
    expect(blockWork(0)).toBe(1);
    expect(blockWork(64 * 32768) / blockWork(64 * 512)).toBeCloseTo((1 + (64 * 32768) / SLOTS_PER_STEP_UNIT) / (1 + (64 * 512) / SLOTS_PER_STEP_UNIT), 12);
    // One 512 block done in 1 s, with one 512 and one 32768 block left: the large one is counted by its weight.
    const small = blockWork(64 * 512);
    const large = blockWork(64 * 32768);
    expect(secondsLeft({ atMs: 0, work: 0 }, { atMs: 1000, work: small }, 2 * small + large)).toBeCloseTo((small + large) / small, 12);
  });
});

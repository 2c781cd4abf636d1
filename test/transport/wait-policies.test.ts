import { describe, expect, it, vi } from 'vitest';
import { fixedPlan } from '../../src/broadcast/sampling.js';
import { measureEmptyStep, openRankSession } from '../../src/broadcast/session.js';
import { OptionsError } from '../../src/errors.js';
import { spinGraceOf, type WaitPolicy } from '../../src/transport/shm-ring-wait.js';
import { TRANSPORT_NAMES, type TransportName } from '../../src/transport/types.js';
import { checkWaitOptions, projectedIdleCores, SPIN_ALWAYS_US, waitChoiceOf, waitChoicesOf, waitLabelOf } from '../../src/transport/wait-choice.js';

const base: WaitPolicy = { spinUs: 50, sleepMinUs: 50, sleepMaxUs: 1000, activeMs: 100, yieldEveryMs: 2 };

describe('wait policies by name', () => {
  it('reads sleep, spin:N, spin and adaptive, and names each back', () => {
    expect(waitChoiceOf('sleep')).toEqual({ spinUs: 0 });
    expect(waitChoiceOf('spin:250')).toEqual({ spinUs: 250 });
    expect(waitChoiceOf('spin')).toEqual({ spinUs: SPIN_ALWAYS_US });
    expect(waitChoiceOf('adaptive')).toEqual({ spinUs: 1000, adaptive: { pivotUs: 1000, minUs: 50, maxUs: 20_000 } });
    expect(waitChoiceOf('adaptive:300').adaptive?.pivotUs).toBe(300);
    for (const name of ['sleep', 'spin:250', 'spin', 'adaptive', 'adaptive:300']) expect(waitLabelOf({ ...base, ...waitChoiceOf(name) })).toBe(name);
    // ZeroMQ's own wait, which blocks at once, is `sleep`.
    expect(waitLabelOf(null)).toBe('sleep');
  });

  it('refuses an unknown name, a bad number and a policy listed twice, with the option named', () => {
    expect(() => waitChoiceOf('nap')).toThrow(OptionsError);
    expect(() => waitChoiceOf('nap')).toThrow(/known: sleep, spin:N, spin, adaptive/);
    expect(() => waitChoiceOf('spin:-1')).toThrow(/not an integer number of µs/);
    expect(() => waitChoiceOf('spin:1e3')).toThrow(OptionsError);
    expect(() => waitChoiceOf('adaptive:0')).toThrow(/at least 1 µs/);
    expect(() => waitChoicesOf('sleep,spin,sleep')).toThrow(/listed twice/);
    expect(() => checkWaitOptions({ wait: [] })).toThrow(/names no policy/);
    expect(() => checkWaitOptions({ idleMs: -1 })).toThrow(OptionsError);
    expect(() => checkWaitOptions({ wait: ['spin'], idleMs: 5 })).not.toThrow();
  });

  it('an adaptive grace spins long for quick steps and briefly for slow ones, within its bounds, and shrugs off one long gap', () => {
    let nowMs = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => nowMs);
    try {
      const grace = spinGraceOf({ ...base, ...waitChoiceOf('adaptive') });
      // No gap heard yet: the pivot itself.
      expect(grace.us()).toBe(1000);
      const hear = (gapMs: number): void => {
        nowMs += gapMs;
        grace.heard();
      };
      for (let i = 0; i < 10; i++) hear(5);
      // Messages 5 ms apart: 1000² / 5000 = 200 µs.
      expect(grace.us()).toBe(200);
      // A configure's 300 ms gap among them moves the median not at all.
      hear(300);
      expect(grace.us()).toBe(200);
      // Steps 0.1 ms apart: 10 ms, and never past the 20 ms bound however quick.
      for (let i = 0; i < 10; i++) hear(0.1);
      expect(grace.us()).toBe(10_000);
      for (let i = 0; i < 10; i++) hear(0.01);
      expect(grace.us()).toBe(20_000);
      // Steps a second apart: the 50 µs floor.
      for (let i = 0; i < 10; i++) hear(1000);
      expect(grace.us()).toBe(50);
    } finally {
      clock.mockRestore();
    }
    // A fixed policy's grace is its spin.
    expect(spinGraceOf({ ...base, spinUs: 700 }).us()).toBe(700);
  });

  it('projects the cores a wait keeps busy through a GPU step from its policy', () => {
    expect(projectedIdleCores(null, 25).cores).toBe(0);
    expect(projectedIdleCores({ ...base, ...waitChoiceOf('spin') }, 25)).toEqual({ cores: 1, basis: 'spins through the gap' });
    expect(projectedIdleCores({ ...base, ...waitChoiceOf('spin:2500') }, 25).cores).toBeCloseTo(0.1, 6);
    // adaptive at a 25 ms gap: 1000² / 25000 = 40 µs, raised to the 50 µs floor: 0.002 of a core.
    expect(projectedIdleCores({ ...base, ...waitChoiceOf('adaptive') }, 25).cores).toBeCloseTo(0.002, 6);
  });
});

/** The cores the rank kept busy over `steps` empty steps with `idleMs` before each: its CPU over the wall time. */
async function rankCores(transport: TransportName, wait: string, idleMs: number): Promise<number> {
  const session = await openRankSession({ transport, wait, idleMs });
  try {
    const before = await session.cpuTimes();
    const start = performance.now();
    await measureEmptyStep(session, fixedPlan(60, 5));
    const after = await session.cpuTimes();
    return ((after.get(1) ?? Number.NaN) - (before.get(1) ?? Number.NaN)) / 1000 / (performance.now() - start);
  } finally {
    await session.close();
  }
}

describe.each(TRANSPORT_NAMES)('waiting over %s', (transport) => {
  it('a spinning rank keeps about one core busy through the idle gaps, a sleeping one at most half of what it does', async () => {
    // A loaded machine can preempt the spinner (less CPU) or wake the sleeper often (more): up to five rounds, until each
    // reading is clear. The sleeper is judged against the spinner of the same run: shm-ring's sleeping end still polls
    // every millisecond or so, which on a slow, loaded VM has cost up to a third of a core.
    let spin = 0;
    let sleep = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 5 && (spin < 0.7 || sleep > spin / 2); round++) {
      spin = Math.max(spin, await rankCores(transport, 'spin', 5));
      sleep = Math.min(sleep, await rankCores(transport, 'sleep', 5));
    }
    expect(spin).toBeGreaterThan(0.7);
    expect(spin).toBeLessThan(1.3);
    expect(sleep).toBeLessThan(spin / 2);
  });
});

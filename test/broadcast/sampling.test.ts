import { describe, expect, it, vi } from 'vitest';
import { checkPlan, cursorOf, fixedPlan, nextBlock, rollingMedianSettled, runSampling, SAMPLING_PRESETS, stepsNeeded, warmupDone } from '../../src/broadcast/sampling.js';
import { OptionsError } from '../../src/errors.js';
import { arraySource } from '../../src/kinds/ctx-meta/source.js';
import { generateStepSequence } from '../../src/kinds/ctx-meta/sequence.js';

const warm = { window: 3, tolerance: 0.05, minSteps: 6, maxSteps: 30, maxMs: 10_000 };

describe('warm-up', () => {
  it('settles when two consecutive window medians agree within the tolerance', () => {
    // JIT-cold steps first, then steady.
    expect(rollingMedianSettled([9, 8, 7, 2, 2.1, 2], warm)).toBe(false);
    expect(rollingMedianSettled([9, 8, 7, 2, 2.1, 2, 2.02, 1.98, 2.05], warm)).toBe(true);
    expect(warmupDone([9, 8, 7, 2, 2.1, 2, 2.02, 1.98, 2.05], 5, warm)).toEqual({ done: true, settled: true });
  });

  it('stops at its caps without claiming it settled, and before minSteps only when slow steps used up its time', () => {
    const noisy = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 1 : 3) * (1 + i / 10));
    expect(warmupDone(noisy, 5, warm)).toEqual({ done: true, settled: false });
    expect(warmupDone([2, 2, 2, 2, 2], 5, warm).done).toBe(false);
    expect(warmupDone([300, 290], 20_000, warm).done).toBe(false);
    expect(warmupDone([300, 290, 295], 20_000, warm)).toEqual({ done: true, settled: false });
  });
});

describe('sampling', () => {
  it('spreads what is left over the blocks that are left, and stops at the wanted samples, or after the last block once the minimum is in', () => {
    const plan = SAMPLING_PRESETS.full;
    expect(nextBlock(plan, { samples: 0, measuredMs: 0, blocks: 0 })).toEqual({ want: 10, budgetMs: 250, minTake: 1, rewarmSteps: 0 });
    // A slow configuration behind its budget still takes its minimum, one step per block; later blocks re-warm first.
    expect(nextBlock(plan, { samples: 3, measuredMs: 2000, blocks: 3 })).toEqual({ want: 14, budgetMs: 500 / 7, minTake: 1, rewarmSteps: 5 });
    expect(nextBlock(plan, { samples: 100, measuredMs: 100, blocks: 10 })).toBeNull();
    expect(nextBlock(plan, { samples: 10, measuredMs: 2500, blocks: 10 })).toBeNull();
    expect(nextBlock(plan, { samples: 9, measuredMs: 9000, blocks: 10 })).toEqual({ want: 91, budgetMs: 0, minTake: 1, rewarmSteps: 5 });
    // Past its budget before its last block, a slow configuration still gets every block: its samples span the run.
    expect(nextBlock(plan, { samples: 12, measuredMs: 3000, blocks: 6 })).toEqual({ want: 22, budgetMs: 0, minTake: 1, rewarmSteps: 5 });
  });

  it('asks for sources long enough that neither phase wraps, a restart per block included', () => {
    const plan = SAMPLING_PRESETS.full;
    // Each block may restart, re-warm and re-warm again while its memory is cold: none of it may wrap the source.
    expect(stepsNeeded(plan)).toBe(Math.max(plan.samples + plan.blocks * (1 + plan.rewarmSteps + 16), plan.warmup.maxSteps) + 1);
  });

  it('refuses a one-step source, whose every step would be a restart and never a sample', () => {
    const [one] = generateStepSequence({ batch: 2, seqLen: 8, steps: 1, seed: 1, finishRate: 0 });
    if (one === undefined) throw new Error('no step');
    expect(() => cursorOf(arraySource([one]))).toThrow(/at least 2 steps/);
  });

  it('re-warms a block that starts with a restart, for the steps asked, before sampling', async () => {
    const steps = generateStepSequence({ batch: 2, seqLen: 8, steps: 20, seed: 1, finishRate: 0 });
    const seen: string[] = [];
    const { samplingDriver } = await import('../../src/broadcast/sampling.js');
    const driver = samplingDriver(cursorOf(arraySource(steps)), async ({ payload, restart }) => {
      seen.push(`${payload.stepId}${restart ? 'r' : ''}`);
      return { restart, stepId: payload.stepId };
    }, () => 1);
    const block = await driver.block({ want: 3, budgetMs: 1e9, minTake: 1, rewarmSteps: 2 });
    expect(seen).toEqual(['0r', '1', '2', '3', '4', '5']);
    expect(block.steps.map((s) => s.stepId)).toEqual([3, 4, 5]);
    expect(block.rewarmSteps).toBe(3);
  });

  it('re-warms a block configured anew until its steps stop faulting fresh memory in, as the slots of a new ring do, and no longer than 16 steps', async () => {
    const steps = generateStepSequence({ batch: 2, seqLen: 8, steps: 80, seed: 1, finishRate: 0 });
    const { samplingDriver, MAX_COLD_REWARM_STEPS } = await import('../../src/broadcast/sampling.js');
    // Faults each step takes, in order: warm-up at 3, then a configuration made anew touches four cold slots.
    const faults = [3, 3, 3, 3, 0, 2100, 2100, 2100, 2100, 5, 5, 5, 5];
    let i = 0;
    const cursor = cursorOf(arraySource(steps));
    const driver = samplingDriver(
      cursor,
      async ({ payload, restart }) => ({ restart, stepId: payload.stepId, faults: faults[i++] ?? 5 }),
      () => 1,
      (r) => r.faults,
    );
    await driver.warmUp({ window: 2, tolerance: Number.POSITIVE_INFINITY, minSteps: 4, maxSteps: 4, maxMs: 1e9 });
    // As a session does when it configures the ranks anew: the next step is a labelled restart.
    cursor.restartHere();
    const block = await driver.block({ want: 3, budgetMs: 1e9, minTake: 1, rewarmSteps: 0 });
    expect(block.steps.map((s) => s.faults)).toEqual([5, 5, 5]);
    expect(block.rewarmSteps).toBe(4);
    // Steps that never come back to the warm-up's faults re-warm MAX_COLD_REWARM_STEPS steps at most, then are sampled as they are.
    const again = cursorOf(arraySource(steps));
    let warming = true;
    const always = samplingDriver(again, async ({ payload, restart }) => ({ restart, stepId: payload.stepId, faults: warming ? 5 : 5000 }), () => 1, (r) => r.faults);
    await always.warmUp({ window: 2, tolerance: Number.POSITIVE_INFINITY, minSteps: 2, maxSteps: 2, maxMs: 1e9 });
    warming = false;
    again.restartHere();
    const capped = await always.block({ want: 2, budgetMs: 1e9, minTake: 1, rewarmSteps: 0 });
    expect(capped.steps).toHaveLength(2);
    expect(capped.rewarmSteps).toBe(1 + MAX_COLD_REWARM_STEPS);
    expect(MAX_COLD_REWARM_STEPS).toBe(16);
  });

  it('charges a block only for its measured steps, not for its restart and re-warm', async () => {
    const steps = generateStepSequence({ batch: 2, seqLen: 8, steps: 20, seed: 1, finishRate: 0 });
    // A fake clock each step advances: 100 ms for the restart, 10 ms for re-warm and measured steps alike.
    let nowNs = 0n;
    const clock = vi.spyOn(process.hrtime, 'bigint').mockImplementation(() => nowNs);
    try {
      const { samplingDriver } = await import('../../src/broadcast/sampling.js');
      const driver = samplingDriver(cursorOf(arraySource(steps)), async ({ payload, restart }) => {
        nowNs += restart ? 100_000_000n : 10_000_000n;
        return { restart, stepId: payload.stepId };
      }, () => 1);
      const block = await driver.block({ want: 4, budgetMs: 1e9, minTake: 1, rewarmSteps: 2 });
      expect(block.steps).toHaveLength(4);
      expect(block.measuredMs).toBe(40);
      // With 25 ms of budget the block stops once three measured steps are past it.
      const tight = await driver.block({ want: 10, budgetMs: 25, minTake: 1, rewarmSteps: 0 });
      expect(tight.steps).toHaveLength(3);
      expect(tight.measuredMs).toBe(30);
    } finally {
      clock.mockRestore();
    }
  });

  it('rejects plans that cannot run', () => {
    expect(() => checkPlan({ ...fixedPlan(5, 1), minSamples: 6 })).toThrow(OptionsError);
    expect(() => checkPlan({ ...fixedPlan(5, 1), budgetMs: 0 })).toThrow(/budgetMs/);
  });

  it('never samples a restart: a source that runs out starts again, and that step is counted, not measured', async () => {
    const steps = generateStepSequence({ batch: 2, seqLen: 8, steps: 4, seed: 1, finishRate: 0 });
    const seen: { stepId: number; restart: boolean }[] = [];
    const outcome = await runSampling(
      fixedPlan(7, 2),
      cursorOf(arraySource(steps)),
      async ({ payload, restart }) => {
        seen.push({ stepId: payload.stepId, restart });
        return { restart, stepId: payload.stepId };
      },
      () => 1,
    );
    // Warm-up: 0 (restart), 1, 2. Measured: rewound to 0 (restart), 1, 2, 3, 0 (restart), 1, 2, 3, 0 (restart), 1.
    expect(seen.map((s) => `${s.stepId}${s.restart ? 'r' : ''}`)).toEqual(['0r', '1', '2', '0r', '1', '2', '3', '0r', '1', '2', '3', '0r', '1']);
    expect(outcome.steps.map((s) => s.stepId)).toEqual([1, 2, 3, 1, 2, 3, 1]);
    expect(outcome.restarts).toBe(2);
    expect(outcome.warmup.steps).toBe(2);
  });
});

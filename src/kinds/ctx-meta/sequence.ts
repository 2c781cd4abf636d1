import { OptionsError } from '../../errors.js';
import { requireInt } from '../../options.js';
import { buildCtxMeta, type RequestSpec, type SlotCoverage } from './build.js';
import { checkSeqLenDistribution, drawRequestParams, drawSeqLen, type SeqLenDistribution } from './generate.js';
import { createPrng, drawDistinct } from '../prng.js';
import type { CtxMeta } from './types.js';

/** Options of generateStepSequence. */
export interface StepSequenceOptions {
  /** Requests running in every step (a finished request is replaced by a new one). */
  batch: number;
  /** Context length of the requests running at step 0. */
  seqLen: SeqLenDistribution;
  /** Steps in the sequence. */
  steps: number;
  /** @default 16 */
  blockSize?: number;
  /** @default 0 */
  seed?: number;
  /** Chance per step that a running request finishes and a new one (prefilling its whole prompt) takes its place. @default 0.02 */
  finishRate?: number;
  /** Prompt length of arriving requests. @default the seqLen distribution */
  promptLen?: SeqLenDistribution;
}

/** Throws OptionsError unless generateStepSequence can run with these options. */
export function checkStepSequenceOptions(options: StepSequenceOptions): void {
  requireInt('batch', options.batch, 0, 1 << 16);
  requireInt('steps', options.steps, 1, 100_000);
  requireInt('blockSize', options.blockSize ?? 16, 1, 1 << 20);
  const finishRate = options.finishRate ?? 0.02;
  if (!(finishRate >= 0 && finishRate <= 1)) throw new OptionsError('finishRate', 'must be in [0, 1]');
  checkSeqLenDistribution(options.seqLen);
}

interface Running {
  spec: RequestSpec;
  blocks: number[];
}

/** Generates consistent decode steps: every request grows by one token a step, takes a new block when it crosses a block boundary, and sometimes finishes. */
export function generateStepSequence(options: StepSequenceOptions): CtxMeta[] {
  return Array.from(streamSteps(options, 'full'));
}

/** The steps of generateStepSequence one at a time, with the slots of `coverage`: a long sequence never sits in memory whole. */
export function* streamSteps(options: StepSequenceOptions, coverage: SlotCoverage = 'full'): Generator<CtxMeta, void, undefined> {
  checkStepSequenceOptions(options);
  const blockSize = options.blockSize ?? 16;
  const finishRate = options.finishRate ?? 0.02;
  const { batch, steps } = options;
  const prng = createPrng(options.seed ?? 0);
  const promptLen = options.promptLen ?? options.seqLen;

  const initial = Array.from({ length: batch }, () => drawSeqLen(options.seqLen, prng));
  // Room for every request to grow through the sequence plus arrivals, shuffled once as a fragmented server's free list.
  const maxLen = Math.max(...initial, 1) + steps + 1;
  const poolBlocks = Math.min(
    Math.floor(2147483648 / blockSize),
    Math.max(Math.ceil(2 ** 21 / blockSize), 4 * Math.ceil(maxLen / blockSize) * Math.max(batch, 1)),
  );
  const free = Array.from(drawDistinct(prng, poolBlocks, Math.min(poolBlocks, 2 * Math.ceil(maxLen / blockSize) * Math.max(batch, 1) + 1024)));
  const take = (count: number): number[] => {
    if (free.length < count) throw new OptionsError('steps', 'the KV pool ran out of blocks; use fewer steps or a shorter seqLen');
    return free.splice(free.length - count, count);
  };
  const admit = (seqLen: number, prefill: boolean): Running => {
    const blocks = take(Math.ceil(seqLen / blockSize));
    return { spec: { ...drawRequestParams(prng), seqLen, numNewTokens: prefill ? seqLen : 1, blockTable: blocks }, blocks };
  };

  let running = initial.map((len) => admit(len, false));
  for (let step = 0; step < steps; step++) {
    if (step > 0) {
      running = running.map((r) => {
        if (prng.nextFloat() < finishRate) {
          // Freed blocks go back to the front of the free list, so they are reused last.
          free.unshift(...r.blocks);
          return admit(Math.max(1, drawSeqLen(promptLen, prng)), true);
        }
        const seqLen = r.spec.seqLen + 1;
        const blocks = seqLen > r.blocks.length * blockSize ? [...r.blocks, ...take(1)] : r.blocks;
        return { spec: { ...r.spec, seqLen, numNewTokens: 1, blockTable: blocks }, blocks };
      });
    }
    yield buildCtxMeta({ stepId: step, blockSize, requests: running.map((r) => r.spec), slots: coverage });
  }
}

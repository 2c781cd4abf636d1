import { OptionsError } from '../../errors.js';
import { requireInt } from '../../options.js';
import { buildCtxMeta, type RequestSpec, type SlotCoverage } from './build.js';
import { createPrng, drawDistinct, type Prng } from '../prng.js';
import type { CtxMeta } from './types.js';

/** How context lengths are spread across the batch. */
export type SeqLenDistribution =
  | number
  | { kind: 'fixed'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'long-tail'; median: number; max: number };

/** Which phase the step is in: one token per request, whole prompts, or a mix of both. */
export type Phase = 'decode' | 'prefill' | 'mixed';

/** Options of generateCtxMeta. */
export interface GenerateOptions {
  /** Requests in the step. */
  batch: number;
  /** Context length after this step, fixed or drawn per request. */
  seqLen: SeqLenDistribution;
  /** @default 16 */
  blockSize?: number;
  /** @default 'decode' */
  phase?: Phase;
  /** @default 0 */
  seed?: number;
  /** @default 0 */
  stepId?: number;
  /** Tokens a prefilling request computes per step in the 'mixed' phase. @default 512 */
  prefillChunk?: number;
  /** Size of the paged KV pool in blocks. @default max(2 × blocks needed, 2^21 / blockSize) */
  numBlocks?: number;
  /** Which slots to carry. @default 'full' */
  slots?: SlotCoverage;
}

const INT32_MAX = 2147483647;
const TEMPERATURES = [0, 0.7, 1] as const;
const TOP_PS = [1, 0.9, 0.95] as const;
const TOP_KS = [-1, 50, 20] as const;

/** Draws one context length from a distribution. */
export function drawSeqLen(dist: SeqLenDistribution, prng: Prng): number {
  if (typeof dist === 'number') return dist;
  if (dist.kind === 'fixed') return dist.value;
  if (dist.kind === 'uniform') return dist.min + prng.nextBelow(dist.max - dist.min + 1);
  // Log-normal with sigma 1 around the median: most requests short, a few near max.
  const u1 = 1 - prng.nextFloat();
  const u2 = prng.nextFloat();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.min(dist.max, Math.max(1, Math.round(dist.median * Math.exp(z))));
}

/** Throws OptionsError unless `dist` is a usable length distribution. */
export function checkSeqLenDistribution(dist: SeqLenDistribution): void {
  if (typeof dist === 'number') return void requireInt('seqLen', dist, 0, INT32_MAX);
  if (dist.kind === 'fixed') return void requireInt('seqLen.value', dist.value, 0, INT32_MAX);
  if (dist.kind === 'uniform') {
    requireInt('seqLen.min', dist.min, 0, INT32_MAX);
    return void requireInt('seqLen.max', dist.max, dist.min, INT32_MAX);
  }
  if (dist.kind === 'long-tail') {
    requireInt('seqLen.median', dist.median, 1, INT32_MAX);
    return void requireInt('seqLen.max', dist.max, 1, INT32_MAX);
  }
  throw new OptionsError('seqLen', `unknown distribution ${JSON.stringify(dist)}`);
}

function newTokensFor(phase: Phase, seqLen: number, chunk: number, prng: Prng): number {
  if (seqLen === 0) return 0;
  if (phase === 'decode') return 1;
  if (phase === 'prefill') return seqLen;
  // In a mixed batch about one request in four is mid-prefill, computing one chunk.
  return prng.nextBelow(4) === 0 ? Math.min(seqLen, chunk) : 1;
}

/** Draws a request's id and sampling parameters. */
export function drawRequestParams(prng: Prng): Pick<RequestSpec, 'reqId' | 'temperature' | 'topP' | 'topK'> {
  return {
    reqId: requestId(prng),
    temperature: TEMPERATURES[prng.nextBelow(TEMPERATURES.length)] ?? 1,
    topP: TOP_PS[prng.nextBelow(TOP_PS.length)] ?? 1,
    topK: TOP_KS[prng.nextBelow(TOP_KS.length)] ?? -1,
  };
}

function requestId(prng: Prng): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += prng.nextUint32().toString(16).padStart(8, '0');
  return `cmpl-${hex}-0`;
}

/** Generates one step's deterministic gen_ctx_meta: same options, same payload on every machine. */
export function generateCtxMeta(options: GenerateOptions): CtxMeta {
  const { batch } = options;
  const blockSize = options.blockSize ?? 16;
  const phase = options.phase ?? 'decode';
  const seed = options.seed ?? 0;
  const chunk = options.prefillChunk ?? 512;
  requireInt('batch', batch, 0, 1 << 20);
  requireInt('blockSize', blockSize, 1, 1 << 20);
  requireInt('seed', seed, 0, 0xffffffff);
  requireInt('stepId', options.stepId ?? 0, 0, 0xffffffff);
  requireInt('prefillChunk', chunk, 1, INT32_MAX);
  checkSeqLenDistribution(options.seqLen);
  if (!['decode', 'prefill', 'mixed'].includes(phase)) {
    throw new OptionsError('phase', `must be decode, prefill or mixed, got ${String(phase)}`);
  }

  const prng = createPrng(seed);
  const seqLens = Array.from({ length: batch }, () => drawSeqLen(options.seqLen, prng));
  const blockCounts = seqLens.map((len) => Math.ceil(len / blockSize));
  const needed = blockCounts.reduce((a, b) => a + b, 0);
  const maxBlocks = Math.floor((INT32_MAX + 1) / blockSize);
  const numBlocks = options.numBlocks ?? Math.min(maxBlocks, Math.max(2 * needed, Math.ceil(2 ** 21 / blockSize)));
  requireInt('numBlocks', numBlocks, Math.max(needed, 1), maxBlocks);

  // A long-running server's free list is shuffled, so each request's blocks are scattered ids.
  const blocks = drawDistinct(prng, numBlocks, needed);
  let next = 0;
  const requests: RequestSpec[] = seqLens.map((seqLen, i) => {
    const count = blockCounts[i] ?? 0;
    const blockTable = blocks.subarray(next, next + count);
    next += count;
    return {
      reqId: requestId(prng),
      seqLen,
      numNewTokens: newTokensFor(phase, seqLen, chunk, prng),
      temperature: TEMPERATURES[prng.nextBelow(TEMPERATURES.length)] ?? 1,
      topP: TOP_PS[prng.nextBelow(TOP_PS.length)] ?? 1,
      topK: TOP_KS[prng.nextBelow(TOP_KS.length)] ?? -1,
      blockTable,
    };
  });
  return buildCtxMeta({ stepId: options.stepId ?? 0, blockSize, requests, slots: options.slots ?? 'full' });
}

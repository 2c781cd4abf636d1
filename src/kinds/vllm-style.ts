import { OptionsError } from '../errors.js';
import { requireInt } from '../options.js';
import { drawRequestParams } from './ctx-meta/generate.js';
import { createPrng, type Prng } from './prng.js';
import type { DtypeMap, MessageRecord, MessageSequence } from '../message/types.js';

/** Options of generateVllmStyleMessages. */
export interface VllmStyleOptions {
  /** Running requests per step (finished ones are replaced by arrivals the next step). */
  batch: number;
  /** Prompt length of every request; its prefill is scheduled whole in its first step. */
  seqLen: number;
  /** Messages to generate. */
  steps: number;
  /** @default 0 */
  seed?: number;
  /** Tokens per KV block. @default 16 */
  blockSize?: number;
  /** Chance that a running request finishes after a step. @default 0.02 */
  finishRate?: number;
  /** Token ids are drawn from [0, vocabSize). @default 128256 */
  vocabSize?: number;
}

/** Dtypes of every numeric path of a vLLM-style message. */
export const VLLM_STYLE_DTYPES: Readonly<DtypeMap> = {
  '/scheduled_new_reqs/*/prompt_token_ids': 'int32',
  '/scheduled_new_reqs/*/block_ids': 'int32',
  '/scheduled_cached_reqs/new_token_ids': 'int32',
  '/scheduled_cached_reqs/new_block_ids': 'int32',
  '/scheduled_cached_reqs/new_block_id_offsets': 'int32',
  '/scheduled_cached_reqs/num_computed_tokens': 'int32',
};

interface Running {
  reqId: string;
  numComputed: number;
  numBlocks: number;
  blocks: number[];
  lastToken: number;
}

/** A paged block pool: never-used blocks come in shuffled order (sparse Fisher-Yates), freed blocks go to the back of a FIFO, as vLLM's free block queue does. */
function createBlockPool(prng: Prng, numBlocks: number): { take(): number; free(blocks: readonly number[]): void } {
  const swapped = new Map<number, number>();
  let fresh = 0;
  const freed: number[] = [];
  let head = 0;
  return {
    take: () => {
      if (fresh < numBlocks) {
        const j = fresh + prng.nextBelow(numBlocks - fresh);
        const block = swapped.get(j) ?? j;
        swapped.set(j, swapped.get(fresh) ?? fresh);
        fresh++;
        return block;
      }
      const block = freed[head++];
      if (block === undefined) throw new OptionsError('numBlocks', 'block pool exhausted');
      return block;
    },
    free: (blocks) => void freed.push(...blocks),
  };
}

/** Generates a deterministic vLLM-style SchedulerOutput sequence: prefill of every request, then steady decode with occasional finishes and arrivals; block ids come from a shuffled pool. */
export function generateVllmStyleMessages(options: VllmStyleOptions): MessageSequence {
  const batch = requireInt('batch', options.batch, 0, 1 << 16);
  const seqLen = requireInt('seqLen', options.seqLen, 1, 1 << 22);
  const steps = requireInt('steps', options.steps, 1, 1 << 20);
  const seed = requireInt('seed', options.seed ?? 0, 0, 0xffffffff);
  const blockSize = requireInt('blockSize', options.blockSize ?? 16, 1, 1 << 16);
  const vocabSize = requireInt('vocabSize', options.vocabSize ?? 128256, 1, 2 ** 31);
  const finishRate = options.finishRate ?? 0.02;
  if (!(finishRate >= 0 && finishRate <= 1)) throw new OptionsError('finishRate', `must be in [0, 1], got ${String(finishRate)}`);

  const prng = createPrng(seed);
  // Room for every request alive at once at its longest, twice over, and at least a 2^21-token KV cache.
  const perRequest = Math.ceil((seqLen + steps) / blockSize) + 1;
  const maxBlocks = Math.floor(2 ** 31 / blockSize);
  const numBlocks = Math.min(maxBlocks, Math.max(2 * batch * perRequest, Math.ceil(2 ** 21 / blockSize)));
  if (batch * perRequest > numBlocks) throw new OptionsError('seqLen', 'batch × (seqLen + steps) needs more KV blocks than int32 block ids allow');
  const pool = createBlockPool(prng, numBlocks);

  let running: Running[] = [];
  let arrivals = batch;
  let finished: string[] = [];
  const messages: MessageRecord[] = [];
  for (let step = 0; step < steps; step++) {
    const newReqs: MessageRecord[] = [];
    const numScheduled: MessageRecord = {};
    for (let i = 0; i < arrivals; i++) {
      const params = drawRequestParams(prng);
      const prompt = Int32Array.from({ length: seqLen }, () => prng.nextBelow(vocabSize));
      const blocks = Array.from({ length: Math.ceil(seqLen / blockSize) }, () => pool.take());
      newReqs.push({
        req_id: params.reqId,
        prompt_token_ids: prompt,
        block_ids: Int32Array.from(blocks),
        num_computed_tokens: 0,
        sampling: { temperature: params.temperature, top_p: params.topP, top_k: params.topK },
      });
      running.push({ reqId: params.reqId, numComputed: -seqLen, numBlocks: blocks.length, blocks, lastToken: 0 });
    }
    const cached = running.filter((r) => r.numComputed >= 0);
    const newBlockIds: number[] = [];
    const offsets = new Int32Array(cached.length + 1);
    cached.forEach((r, i) => {
      // Decode: one token at position numComputed, which needs a new block when it starts one.
      if (Math.ceil((r.numComputed + 1) / blockSize) > r.numBlocks) {
        const block = pool.take();
        r.blocks.push(block);
        r.numBlocks++;
        newBlockIds.push(block);
      }
      offsets[i + 1] = newBlockIds.length;
    });
    // vLLM schedules running requests first, then waiting ones; so keys keep their order from step to step.
    for (const r of running) numScheduled[r.reqId] = r.numComputed >= 0 ? 1 : seqLen;
    messages.push({
      step,
      scheduled_new_reqs: newReqs,
      scheduled_cached_reqs: {
        req_ids: cached.map((r) => r.reqId),
        new_token_ids: Int32Array.from(cached, (r) => r.lastToken),
        new_block_ids: Int32Array.from(newBlockIds),
        new_block_id_offsets: offsets,
        num_computed_tokens: Int32Array.from(cached, (r) => r.numComputed),
      },
      num_scheduled_tokens: numScheduled,
      total_num_scheduled_tokens: arrivals * seqLen + cached.length,
      finished_req_ids: finished,
    });
    // After the step: prefills complete, every request samples a token, some finish.
    for (const r of running) {
      r.numComputed = r.numComputed < 0 ? seqLen : r.numComputed + 1;
      r.lastToken = prng.nextBelow(vocabSize);
    }
    finished = [];
    running = running.filter((r) => {
      if (prng.nextFloat() >= finishRate) return true;
      finished.push(r.reqId);
      pool.free(r.blocks);
      return false;
    });
    arrivals = finished.length;
  }
  return {
    messages,
    dtypes: { ...VLLM_STYLE_DTYPES },
    source: `vllm-style generator (batch ${batch}, seqLen ${seqLen}, steps ${steps}, seed ${seed})`,
    batch,
  };
}

import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors.js';
import { messageFingerprint } from '../../src/message/fingerprint.js';
import { generateVllmStyleMessages } from '../../src/kinds/vllm-style.js';
import { messageDtypes } from '../../src/message/record.js';
import type { MessageRecord } from '../../src/message/types.js';

const fingerprints = (messages: MessageRecord[]) => messages.map(messageFingerprint);

describe('generateVllmStyleMessages', () => {
  const seq = generateVllmStyleMessages({ batch: 8, seqLen: 48, steps: 120, seed: 11, finishRate: 0.05 });

  it('is deterministic: same options, same messages; another seed, other messages', () => {
    expect(fingerprints(generateVllmStyleMessages({ batch: 8, seqLen: 48, steps: 120, seed: 11, finishRate: 0.05 }).messages)).toEqual(fingerprints(seq.messages));
    expect(fingerprints(generateVllmStyleMessages({ batch: 8, seqLen: 48, steps: 120, seed: 12, finishRate: 0.05 }).messages)).not.toEqual(fingerprints(seq.messages));
  });

  it('prefills the whole batch at step 0, then decodes one token per running request', () => {
    const [first, second] = seq.messages;
    expect(Object.keys(first ?? {})).toEqual(['step', 'scheduled_new_reqs', 'scheduled_cached_reqs', 'num_scheduled_tokens', 'total_num_scheduled_tokens', 'finished_req_ids']);
    const newReqs = first?.scheduled_new_reqs as MessageRecord[];
    expect(newReqs).toHaveLength(8);
    expect(newReqs[0]?.prompt_token_ids).toBeInstanceOf(Int32Array);
    expect((newReqs[0]?.prompt_token_ids as Int32Array).length).toBe(48);
    expect((newReqs[0]?.block_ids as Int32Array).length).toBe(Math.ceil(48 / 16));
    expect(Object.keys(newReqs[0]?.sampling as MessageRecord)).toEqual(['temperature', 'top_p', 'top_k']);
    expect(first?.total_num_scheduled_tokens).toBe(384);
    const cached = second?.scheduled_cached_reqs as MessageRecord;
    expect(cached.req_ids).toEqual(newReqs.map((r) => r.req_id));
    expect(Array.from(cached.num_computed_tokens as Int32Array)).toEqual(new Array(8).fill(48));
    // Position 48 starts a fourth 16-token block for every request.
    expect((cached.new_block_ids as Int32Array).length).toBe(8);
    expect(Array.from(cached.new_block_id_offsets as Int32Array)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Object.values(second?.num_scheduled_tokens as MessageRecord)).toEqual(new Array(8).fill(1));
  });

  it('finishes some requests and admits as many new ones, keeping the batch', () => {
    const finished = seq.messages.flatMap((m) => m.finished_req_ids as string[]);
    const arrivals = seq.messages.slice(1).flatMap((m) => (m.scheduled_new_reqs as MessageRecord[]).map((r) => r.req_id));
    expect(finished.length).toBeGreaterThan(10);
    expect(arrivals.length).toBeGreaterThanOrEqual(finished.length - 8);
    for (const m of seq.messages) expect(Object.keys(m.num_scheduled_tokens as MessageRecord)).toHaveLength(8);
    // A finished request never runs again.
    seq.messages.forEach((m, i) => {
      const running = (m.scheduled_cached_reqs as MessageRecord).req_ids as string[];
      for (const id of m.finished_req_ids as string[]) expect(running, `step ${i}`).not.toContain(id);
    });
  });

  it('draws block ids from a shuffled pool: large, scattered, never held by two running requests', () => {
    const blocks = (seq.messages[0]?.scheduled_new_reqs as MessageRecord[]).flatMap((r) => Array.from(r.block_ids as Int32Array));
    expect(new Set(blocks).size).toBe(blocks.length);
    expect(Math.max(...blocks)).toBeGreaterThan(10000);
    const sorted = [...blocks].sort((a, b) => a - b);
    expect(sorted).not.toEqual(blocks);
  });

  it('declares the dtype of every numeric path it writes', () => {
    expect(messageDtypes(seq.messages)).toEqual(Object.fromEntries(Object.entries(seq.dtypes)));
    expect(seq.source).toMatch(/vllm-style generator \(batch 8, seqLen 48, steps 120, seed 11\)/);
  });

  it('refuses options that make no sense', () => {
    expect(() => generateVllmStyleMessages({ batch: -1, seqLen: 4, steps: 1 })).toThrow(OptionsError);
    expect(() => generateVllmStyleMessages({ batch: 1, seqLen: 4, steps: 1, finishRate: 2 })).toThrow(OptionsError);
  });
});

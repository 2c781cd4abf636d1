import { describe, expect, it } from 'vitest';
import { messageDelta, messageDeltaDtypes } from '../../src/message/delta.js';
import { MessageDeltaState } from '../../src/message/delta-state.js';
import { diffMessages } from '../../src/message/equal.js';
import { MessageDeltaError } from '../../src/message/errors.js';
import { generateVllmStyleMessages } from '../../src/kinds/vllm-style.js';
import { messageByteLength } from '../../src/message/size.js';
import type { MessageRecord } from '../../src/message/types.js';

function walk(messages: MessageRecord[]): { deltas: MessageRecord[]; state: MessageDeltaState } {
  const state = new MessageDeltaState();
  const deltas = messages.map((message, step) => {
    const delta = messageDelta(step === 0 ? null : (messages[step - 1] ?? null), message, step);
    expect(diffMessages(message, state.apply(delta)), `step ${step}`).toBeNull();
    return delta;
  });
  return { deltas, state };
}

describe('the generic message delta', () => {
  it('rebuilds every step of a 200-step vLLM-style sequence, and is much smaller in steady decode', () => {
    const { messages } = generateVllmStyleMessages({ batch: 32, seqLen: 512, steps: 200, seed: 1 });
    const { deltas } = walk(messages);
    expect(deltas[0]?.full).toBe(messages[0]);
    // Steady state: the same requests run as in the step before, and none arrives.
    const steady = messages.flatMap((m, i) => {
      const previous = messages[i - 1];
      const same = previous !== undefined && diffMessages({ r: (previous.scheduled_cached_reqs as MessageRecord).req_ids ?? [] }, { r: (m.scheduled_cached_reqs as MessageRecord).req_ids ?? [] }) === null;
      return same && (m.scheduled_new_reqs as unknown[]).length === 0 ? [i] : [];
    });
    expect(steady.length).toBeGreaterThan(40);
    for (const i of steady) {
      const ratio = messageByteLength(deltas[i] ?? {}) / messageByteLength(messages[i] ?? {});
      expect(ratio, `step ${i}`).toBeLessThan(0.2);
    }
    const total = (list: MessageRecord[]) => list.slice(1).reduce((sum, m) => sum + messageByteLength(m), 0);
    expect(total(deltas)).toBeLessThan(0.8 * total(messages));
  });

  it('omits what did not change, sets what did, sends only the tail of a grown array, lists removed keys', () => {
    const before: MessageRecord = { step: 1, tokens: Int32Array.of(1, 2, 3), meta: { a: 1, b: 'x', inner: { c: [1] } }, gone: true };
    const after: MessageRecord = { step: 2, tokens: Int32Array.of(1, 2, 3, 4, 5), meta: { a: 1, b: 'y', inner: { c: [1] } }, extra: null };
    expect(messageDelta(before, after, 9)).toEqual({
      step: 9,
      changes: { set: { step: 2, extra: null }, append: { tokens: Int32Array.of(4, 5) }, nested: { meta: { set: { b: 'y' } } }, removed: ['gone'] },
    });
    expect(messageDelta(after, after, 10)).toEqual({ step: 10, changes: {} });
  });

  it('sends a record whole when its key order changes, and a keyframe when the top level does', () => {
    expect(messageDelta({ m: { a: 1, b: 2 } }, { m: { b: 2, a: 1 } }, 1)).toEqual({ step: 1, changes: { set: { m: { b: 2, a: 1 } } } });
    const next = { b: 1, a: 2 };
    expect(messageDelta({ a: 2, b: 1 }, next, 1)).toEqual({ step: 1, full: next });
    const state = new MessageDeltaState();
    state.apply(messageDelta(null, { m: { a: 1, b: 2 }, z: 0 }, 0));
    expect(Object.keys(state.apply(messageDelta({ m: { a: 1, b: 2 }, z: 0 }, { m: { b: 2, a: 1 }, z: 0 }, 1)).m as MessageRecord)).toEqual(['b', 'a']);
  });

  it('grows arrays in place with doubling capacity: a long append sequence costs no copy per step', () => {
    const state = new MessageDeltaState();
    let previous: MessageRecord | null = null;
    const buffers = new Set<ArrayBufferLike>();
    for (let step = 0; step < 1000; step++) {
      const next: MessageRecord = { history: Int32Array.from({ length: step + 1 }, (_, i) => i * 7) };
      const rebuilt = state.apply(messageDelta(previous, next, step));
      expect(diffMessages(next, rebuilt)).toBeNull();
      buffers.add((rebuilt.history as Int32Array).buffer);
      previous = next;
    }
    // 1000 elements reached by doubling from 16: a handful of buffers, not one per step.
    expect(buffers.size).toBeLessThan(10);
  });

  it('copies what it keeps: a decoder reusing its buffers cannot corrupt the state', () => {
    const state = new MessageDeltaState();
    const shared = Int32Array.of(1, 2);
    state.apply({ step: 0, full: { a: shared } });
    shared[0] = 99;
    expect(state.apply({ step: 1, changes: {} }).a).toEqual(Int32Array.of(1, 2));
  });

  it('refuses deltas out of order, before a keyframe, or that do not fit the state, then waits for a keyframe', () => {
    const state = new MessageDeltaState();
    expect(() => state.apply({ step: 0, changes: {} })).toThrow(/no full message/);
    state.apply({ step: 4, full: { a: Int32Array.of(1) } });
    const skipped = (() => {
      try {
        state.apply({ step: 6, changes: {} });
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(skipped).toBeInstanceOf(MessageDeltaError);
    expect((skipped as MessageDeltaError).expectedStep).toBe(5);
    expect((skipped as MessageDeltaError).gotStep).toBe(6);
    expect(() => state.apply({ step: 4, changes: {} })).toThrow(/out of order: the state holds step 4/);
    expect(() => state.apply({ step: 5, changes: { append: { a: Float32Array.of(1) } } })).toThrow(/append to a, which is not a float32 array/);
    expect(state.step).toBeNull();
    expect(() => state.apply({ step: 6, changes: {} })).toThrow(/no full message/);
    expect(state.apply({ step: 7, full: { b: 1 } })).toEqual({ b: 1 });
    expect(() => state.apply({ changes: {} })).toThrow(/carries no step/);
  });

  it('names the delta paths a boxed codec needs to restore typed arrays', () => {
    expect(messageDeltaDtypes({ '/a/b': 'int32', '/l/*/c': 'uint8' })).toEqual({
      '/full/a/b': 'int32',
      '/changes/set/a/b': 'int32',
      '/changes/nested/a/set/b': 'int32',
      '/changes/nested/a/append/b': 'int32',
      '/full/l/*/c': 'uint8',
      '/changes/set/l/*/c': 'uint8',
    });
  });
});

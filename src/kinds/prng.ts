/** A seeded pseudo-random source; integer arithmetic only, so every machine draws the same sequence. */
export interface Prng {
  /** Next uint32. */
  nextUint32(): number;
  /** Next float in [0, 1) with 53 random bits. */
  nextFloat(): number;
  /** Next integer in [0, n). */
  nextBelow(n: number): number;
}

/** Creates a splitmix32-style generator from a 32-bit seed. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const nextFloat = (): number => {
    const high = nextUint32() >>> 5;
    const low = nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  };
  return {
    nextUint32,
    nextFloat,
    nextBelow: (n) => Math.floor(nextFloat() * n),
  };
}

/** Draws `count` distinct integers from [0, range) in shuffled order, in O(count) memory (sparse Fisher-Yates). */
export function drawDistinct(prng: Prng, range: number, count: number): Int32Array {
  const out = new Int32Array(count);
  const swapped = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const j = i + prng.nextBelow(range - i);
    out[i] = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
  }
  return out;
}

import type { Frames } from '../src/codecs/types.js';
import type { Prng } from '../src/kinds/prng.js';

/** Ways a fuzz test spoils a codec's frames. */
export type Corruption = 'truncate' | 'flip' | 'random' | 'absurd-length' | 'frame-count';

/** Every corruption, in the order fuzz tests cycle through them. */
export const CORRUPTIONS: readonly Corruption[] = ['truncate', 'flip', 'random', 'absurd-length', 'frame-count'];

/** Spoils the first frame one way, drawing positions from `prng`; never touches the original frames. */
export function corrupt(kind: Corruption, frames: Frames, prng: Prng): Uint8Array[] {
  // A copy in a buffer of its own: Buffer.prototype.slice is a view, and a small Buffer sits inside Node's shared pool.
  const copy = Uint8Array.from(frames[0] ?? new Uint8Array(0));
  switch (kind) {
    case 'truncate':
      return [copy.subarray(0, prng.nextBelow(copy.byteLength))];
    case 'flip':
      for (let i = 1 + prng.nextBelow(8); i > 0; i--) {
        const at = prng.nextBelow(copy.byteLength);
        copy[at] = (copy[at] ?? 0) ^ (1 << prng.nextBelow(8));
      }
      return [copy];
    case 'random':
      return [Uint8Array.from({ length: prng.nextBelow(512) }, () => prng.nextBelow(256))];
    case 'absurd-length': {
      // A huge little- or big-endian length wherever a length prefix might sit.
      const at = prng.nextBelow(Math.max(1, copy.byteLength - 3));
      if (copy.byteLength >= 4) new DataView(copy.buffer).setUint32(at, prng.nextBelow(2) === 0 ? 0xfffffff0 : 0x7fffffff, prng.nextBelow(2) === 0);
      return [copy];
    }
    case 'frame-count':
      return prng.nextBelow(2) === 0 ? [] : [copy, copy];
  }
}

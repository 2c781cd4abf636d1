/** The floor of the `reused` regime: one Buffer.copy between two buffers that are already allocated and hot. */
export function createMemcpy(bytes: number): () => number {
  const source = Buffer.alloc(bytes, 7);
  const target = Buffer.alloc(bytes);
  return () => source.copy(target, 0, 0, bytes);
}

/**
 * A memcpy as a ring of `slots` slots meets it: each copy reads a message built since the last one (one of two sources
 * in turn) into the slot written `slots` copies ago, so neither end is hot in this core's cache the way a hot memcpy's
 * are. For a message of megabytes this is what one copy into shared memory costs at least; for small ones it equals
 * the hot memcpy, since every buffer fits the cache.
 */
export function createRingMemcpy(bytes: number, slots = 4): () => number {
  const sources = [Buffer.alloc(bytes, 7), Buffer.alloc(bytes, 9)];
  const targets = Array.from({ length: slots }, () => Buffer.alloc(bytes));
  let turn = 0;
  return () => {
    const k = turn++;
    return (sources[k % 2] as Buffer).copy(targets[k % slots] as Buffer, 0, 0, bytes);
  };
}

/** The floor of the `fresh` regime: a new unzeroed buffer per message (allocUnsafeSlow, as the codecs use), then the copy. */
export function createFreshCopy(bytes: number): () => Buffer {
  const source = Buffer.alloc(bytes, 7);
  return () => {
    const target = Buffer.allocUnsafeSlow(bytes);
    source.copy(target, 0, 0, bytes);
    return target;
  };
}

/** The floor of the `reused` regime: one Buffer.copy between two buffers that are already allocated and hot. */
export function createMemcpy(bytes: number): () => number {
  const source = Buffer.alloc(bytes, 7);
  const target = Buffer.alloc(bytes);
  return () => source.copy(target, 0, 0, bytes);
}

/**
 * A reference for a copy into a ring of `slots` slots (4, both rings' default): each call copies one of two sources in
 * turn into the next of `slots` targets in turn, a working set of (2 + slots) × the payload. Once that outgrows the
 * last-level cache no copy finds its lines cached, as one copy of a message built each step into a ring would not;
 * below that it is a hot memcpy. It does not model the rank's core having read the slot last, nor a shared mapping.
 */
export function createRingMemcpy(bytes: number, slots = 4): (() => number) & { readonly targets: readonly Buffer[] } {
  const sources = [Buffer.alloc(bytes, 7), Buffer.alloc(bytes, 9)];
  const targets = Array.from({ length: slots }, () => Buffer.alloc(bytes));
  let turn = 0;
  const copy = (): number => {
    const k = turn++;
    return (sources[k % 2] as Buffer).copy(targets[k % slots] as Buffer, 0, 0, bytes);
  };
  return Object.assign(copy, { targets });
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

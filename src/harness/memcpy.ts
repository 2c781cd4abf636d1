/** The floor of the `reused` regime: one Buffer.copy between two buffers that are already allocated and hot. */
export function createMemcpy(bytes: number): () => number {
  const source = Buffer.alloc(bytes, 7);
  const target = Buffer.alloc(bytes);
  return () => source.copy(target, 0, 0, bytes);
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

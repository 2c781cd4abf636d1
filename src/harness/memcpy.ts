/** The physical floor for moving `bytes` bytes in this process: one Buffer.copy between preallocated buffers. */
export function createMemcpy(bytes: number): () => number {
  const source = Buffer.alloc(bytes, 7);
  const target = Buffer.alloc(bytes);
  return () => source.copy(target, 0, 0, bytes);
}

/** An encoder whose target buffer can be swapped: msgpackr's Packr and cbor-x's Encoder, each of which shares one target per library. */
export interface BufferedEncoder {
  useBuffer(buffer: Uint8Array): void;
}

const SCRATCH_BYTES = 8192;

/** Runs `encode` into a fresh, unzeroed buffer of `bound` bytes (no growth by doubling, no slice of a buffer the next encode reuses), then leaves the library a small scratch buffer so later small encodes do not copy this size. */
export function encodeInFreshBuffer<T>(encoder: BufferedEncoder, bound: number, encode: () => T): T {
  encoder.useBuffer(Buffer.allocUnsafeSlow(bound));
  const frame = encode();
  encoder.useBuffer(Buffer.allocUnsafeSlow(SCRATCH_BYTES));
  return frame;
}

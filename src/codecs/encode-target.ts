/** An encoder whose target buffer can be swapped: msgpackr's Packr and cbor-x's Encoder, each of which shares one target per library. */
export interface BufferedEncoder {
  useBuffer(buffer: Uint8Array): void;
}

// Where every encoder is parked between encodes. Both libraries start an encode in a new buffer of their own when
// fewer than 2 KiB remain in their target, so an encode that does not swap in a target first (a boxed codec's) never
// writes here, and two encodes never share these bytes.
const SCRATCH = Buffer.allocUnsafeSlow(1024);

/**
 * Runs `encode` with `target` as the library's buffer (sized from a bound: no growth by doubling), then parks the
 * library on a scratch buffer, so a later encode never writes into bytes a caller still holds.
 */
export function encodeIntoTarget<T>(encoder: BufferedEncoder, target: Buffer, encode: () => T): T {
  encoder.useBuffer(target);
  try {
    return encode();
  } finally {
    // Parked even when the encode throws: the next encode without a target must not write into this one.
    encoder.useBuffer(SCRATCH);
  }
}

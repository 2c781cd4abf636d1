/**
 * The header frame ahead of every step's frames, in a fixed layout: a rank reads it with a few loads, where the msgpack
 * map it replaces took ~2 µs to unpack here, which the empty-message floor reported as the transport's own cost.
 *
 * Layout (little-endian): magic 'SBST' (u32), configuration id (u32), step (u32), restart (u8), a spare byte, the
 * check's length (u16), the run token's 16 bytes, then the check (latin1). The first byte, 0x53, is a msgpack integer,
 * so no control map (configure, ping, stop) is ever taken for a step header, nor a step header for a map.
 */
export interface StepHeader {
  config: number;
  step: number;
  restart: boolean;
  /** Byte length of the check: 0 when the step is not verified. */
  checkLength: number;
}

const MAGIC = 0x54534253;
/** Bytes of a run token in its binary form. */
export const TOKEN_BYTES = 16;
const FIXED_BYTES = 16 + TOKEN_BYTES;
const MAX_CHECK = 0xffff;

/** The run token (32 hex digits) as the bytes a step header carries. */
export function tokenBytesOf(token: string): Uint8Array {
  const bytes = Buffer.from(token, 'hex');
  if (bytes.byteLength !== TOKEN_BYTES || bytes.toString('hex') !== token.toLowerCase()) throw new Error(`a run token is ${2 * TOKEN_BYTES} hex digits`);
  return bytes;
}

/** Packs one step's header; `check` is the fingerprint the rank verifies against, or '' for none. */
export function packStepHeader(token: Uint8Array, config: number, step: number, restart: boolean, check: string): Uint8Array {
  const checkLength = Buffer.byteLength(check, 'latin1');
  if (checkLength > MAX_CHECK) throw new Error(`a step check of ${checkLength} bytes is longer than ${MAX_CHECK}`);
  const frame = Buffer.alloc(FIXED_BYTES + checkLength);
  frame.writeUInt32LE(MAGIC, 0);
  frame.writeUInt32LE(config, 4);
  frame.writeUInt32LE(step, 8);
  frame.writeUInt8(restart ? 1 : 0, 12);
  frame.writeUInt16LE(checkLength, 14);
  frame.set(token, 16);
  frame.write(check, FIXED_BYTES, 'latin1');
  return frame;
}

const u32 = (frame: Uint8Array, at: number): number =>
  ((frame[at] as number) | ((frame[at + 1] as number) << 8) | ((frame[at + 2] as number) << 16) | ((frame[at + 3] as number) << 24)) >>> 0;

/** The step header in `frame` when it is one and carries `token`; null for anything else (a control map, a foreign or short frame). */
export function readStepHeader(frame: Uint8Array | undefined, token: Uint8Array): StepHeader | null {
  if (frame === undefined || frame.byteLength < FIXED_BYTES || u32(frame, 0) !== MAGIC) return null;
  for (let i = 0; i < TOKEN_BYTES; i++) if (frame[16 + i] !== token[i]) return null;
  const checkLength = (frame[14] as number) | ((frame[15] as number) << 8);
  if (frame.byteLength !== FIXED_BYTES + checkLength) return null;
  return { config: u32(frame, 4), step: u32(frame, 8), restart: frame[12] === 1, checkLength };
}

/** The check a header read by readStepHeader carries, decoded only when wanted: after the rank's clock has stopped. */
export function stepCheckOf(frame: Uint8Array, header: StepHeader): string {
  return Buffer.from(frame.buffer, frame.byteOffset + FIXED_BYTES, header.checkLength).toString('latin1');
}

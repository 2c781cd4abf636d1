import { createPrivateKey, createPublicKey, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OptionsError } from '../errors.js';

/** Where a run's secret comes from: a file named here, or the secret itself in hex. Never the command line. */
export const SECRET_FILE_ENV = 'STALLBENCH_SECRET_FILE';
export const SECRET_ENV = 'STALLBENCH_SECRET';

/** Fewest secret bytes accepted: a CurveZMQ key's worth. */
export const MIN_SECRET_BYTES = 32;

/**
 * The run's secret from the environment: the bytes of the file STALLBENCH_SECRET_FILE names, or STALLBENCH_SECRET as
 * hex; null when neither is set. Throws OptionsError for an unreadable file or a secret under 32 bytes.
 */
export function runSecretFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer | null {
  const file = env[SECRET_FILE_ENV];
  let secret: Buffer | null = null;
  if (file !== undefined && file !== '') {
    try {
      secret = readFileSync(file);
    } catch (error) {
      throw new OptionsError(SECRET_FILE_ENV, `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else if (env[SECRET_ENV] !== undefined && env[SECRET_ENV] !== '') {
    const text = (env[SECRET_ENV] as string).trim();
    if (!/^([0-9a-f]{2})+$/i.test(text)) throw new OptionsError(SECRET_ENV, 'must be hex');
    secret = Buffer.from(text, 'hex');
  }
  if (secret !== null && secret.length < MIN_SECRET_BYTES) throw new OptionsError(file !== undefined && file !== '' ? SECRET_FILE_ENV : SECRET_ENV, `holds ${secret.length} bytes; a secret needs ${MIN_SECRET_BYTES} at least`);
  return secret;
}

/** A fresh secret for a run that was given none: its ranks get it through their environment. */
export function newRunSecret(): Buffer {
  return randomBytes(MIN_SECRET_BYTES);
}

/** A CurveZMQ key pair, Z85-encoded as ZeroMQ takes it. */
export interface CurveKeyPair {
  publicKey: string;
  secretKey: string;
}

// PKCS#8 wrapping of a raw X25519 private key (RFC 8410): Node derives the public key from it.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

function keyPairFrom(seed: Buffer): CurveKeyPair {
  const privateKey = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { publicKey: z85(spki.subarray(spki.length - 32)), secretKey: z85(seed) };
}

/**
 * The run's two CurveZMQ key pairs, derived from its secret (HKDF-SHA256): the scheduler's sockets are CURVE servers
 * with the first, every rank a client with the second. A peer without the secret does not know the server's public
 * key and cannot complete the handshake.
 */
export function curveKeysOf(secret: Uint8Array): { server: CurveKeyPair; client: CurveKeyPair } {
  const derive = (role: string): Buffer => Buffer.from(hkdfSync('sha256', secret, 'stallbench-curve', role, 32));
  return { server: keyPairFrom(derive('server')), client: keyPairFrom(derive('client')) };
}

const Z85_CHARS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** ZeroMQ's Z85 text of bytes whose length is a multiple of 4 (RFC 32). */
export function z85(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new RangeError('Z85 encodes whole 4-byte words');
  let out = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let value = (((bytes[i] as number) << 24) >>> 0) + ((bytes[i + 1] as number) << 16) + ((bytes[i + 2] as number) << 8) + (bytes[i + 3] as number);
    const chars: string[] = [];
    for (let k = 0; k < 5; k++) {
      chars.unshift(Z85_CHARS[value % 85] as string);
      value = Math.floor(value / 85);
    }
    out += chars.join('');
  }
  return out;
}

/** The PLAIN user name of a tcp-plain rank: the password is what proves the secret. */
export const PLAIN_USER = 'stallbench';

/**
 * The PLAIN password of a tcp-plain run (HKDF-SHA256 of the secret, salted with the scheduler's nonce): it proves the
 * secret without being it, and crosses the wire in the clear at each handshake, so it holds for one scheduler only.
 */
export function plainPasswordOf(secret: Uint8Array, nonce: string): string {
  return Buffer.from(hkdfSync('sha256', secret, `stallbench-plain:${nonce}`, 'password', 32)).toString('hex');
}

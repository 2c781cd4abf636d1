// A rank-side peer of the shm-ring transport in its own process, driven by a test. Modes:
// echo: answers every message with a summary of its frames (lengths, hashes, where the views lie, a decoded fingerprint);
// hold: like echo, but keeps each message (never calls receive again) until the parent sends 'next', then re-hashes it;
// idle: attaches and never receives.
import { createHash } from 'node:crypto';
import { decodeToColumnar } from '../ctx-meta-form.js';
import { createCodec } from '../../src/codecs/registry.js';
import { messageFingerprint } from '../../src/message/fingerprint.js';
import { connectShmRingRank } from '../../src/transport/shm-ring.js';
import type { ShmRingAddress } from '../../src/transport/types.js';

/** What the peer answers for one message. */
export interface PeerSummary {
  lengths: number[];
  sha256: string[];
  /** Per frame: the byte length of the memory its view lies in, and its offset there. */
  views: { arrayBytes: number; byteOffset: number }[];
  /** Fingerprint of the payload, when the first frame names a codec ({"codec": name}) and the rest decode with it. */
  fingerprint: string | null;
  /** In hold mode, the hashes again after the parent said 'next': unchanged if the writer never touched a held slot. */
  after?: string[];
}

const sha = (frame: Uint8Array): string => createHash('sha256').update(frame).digest('hex');

function summarize(frames: Buffer[]): PeerSummary {
  let print: string | null = null;
  try {
    const head = JSON.parse(frames[0]?.toString('utf8') ?? '') as { codec?: string };
    if (typeof head.codec === 'string') print = messageFingerprint(decodeToColumnar(createCodec(head.codec), frames.slice(1)));
  } catch {
    print = null;
  }
  return {
    lengths: frames.map((f) => f.byteLength),
    sha256: frames.map(sha),
    views: frames.map((f) => ({ arrayBytes: f.buffer.byteLength, byteOffset: f.byteOffset })),
    fingerprint: print,
  };
}

const [mode, addressJson, rankText] = process.argv.slice(2);
const transport = connectShmRingRank(JSON.parse(addressJson ?? '{}') as ShmRingAddress, 30_000, Number(rankText ?? 1));
process.on('disconnect', () => process.exit(0));
const next = (): Promise<void> => new Promise((resolve) => process.once('message', () => resolve()));
process.send?.('ready');
if (mode === 'idle') await new Promise(() => setInterval(() => undefined, 1000));
for (;;) {
  const frames = await transport.receive();
  if (frames === null || (frames.length === 1 && frames[0]?.toString() === 'stop')) break;
  const summary = summarize(frames);
  if (mode === 'hold') {
    await transport.send(Buffer.from(JSON.stringify(summary)));
    await next();
    summary.after = frames.map(sha);
  }
  await transport.send(Buffer.from(JSON.stringify(summary)));
}
transport.close();
process.exit(0);

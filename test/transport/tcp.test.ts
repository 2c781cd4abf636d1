import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { curveKeyPair, Push, Subscriber } from 'zeromq';
import { describe, expect, it } from 'vitest';
import { fixedPlan } from '../../src/broadcast/sampling.js';
import { openRankSession } from '../../src/broadcast/session.js';
import { OptionsError } from '../../src/errors.js';
import { generatedSource } from '../../src/kinds/ctx-meta/source.js';
import { curveKeysOf, PLAIN_USER, plainPasswordOf, runSecretFromEnv, z85 } from '../../src/transport/run-secret.js';
import { isLoopback, openTcpScheduler } from '../../src/transport/tcp.js';
import { eventually, leftovers } from '../broadcast/leftovers.js';

describe('the run secret and its CurveZMQ keys', () => {
  it('encodes Z85 as ZeroMQ does (RFC 32)', () => {
    expect(z85(Uint8Array.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]))).toBe('HelloWorld');
    expect(() => z85(new Uint8Array(3))).toThrow(RangeError);
  });

  it('derives the same two key pairs from the same secret, and others from another', () => {
    const secret = Buffer.alloc(32, 7);
    const a = curveKeysOf(secret);
    expect(curveKeysOf(Buffer.from(secret))).toEqual(a);
    expect(a.server.publicKey).toHaveLength(40);
    expect(a.server.publicKey).not.toBe(a.client.publicKey);
    expect(curveKeysOf(Buffer.alloc(32, 8)).server.publicKey).not.toBe(a.server.publicKey);
  });

  it('reads the secret from a file or hex in the environment, never shorter than 32 bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stallbench-secret-'));
    try {
      const file = join(dir, 'secret');
      writeFileSync(file, Buffer.alloc(40, 1), { mode: 0o600 });
      expect(runSecretFromEnv({ STALLBENCH_SECRET_FILE: file })).toEqual(Buffer.alloc(40, 1));
      expect(runSecretFromEnv({ STALLBENCH_SECRET: 'ab'.repeat(32) })).toEqual(Buffer.alloc(32, 0xab));
      expect(runSecretFromEnv({})).toBeNull();
      expect(() => runSecretFromEnv({ STALLBENCH_SECRET: 'ab'.repeat(8) })).toThrow(/holds 8 bytes; a secret needs 32/);
      expect(() => runSecretFromEnv({ STALLBENCH_SECRET: 'not hex' })).toThrow(OptionsError);
      expect(() => runSecretFromEnv({ STALLBENCH_SECRET_FILE: join(dir, 'missing') })).toThrow(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('listens on loopback unless asked, and takes only an IP address', async () => {
    expect(isLoopback('127.0.0.1') && isLoopback('::1') && !isLoopback('10.0.0.1')).toBe(true);
    const scheduler = await openTcpScheduler(Buffer.alloc(32, 1), 1000);
    try {
      expect(scheduler.address.steps).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
      expect(scheduler.address.acks).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      scheduler.close();
    }
    await expect(openTcpScheduler(Buffer.alloc(32, 1), 1000, { host: 'example.com' })).rejects.toThrow(OptionsError);
  });
});

/** Credentials an intruder brings: socket options of its own, chosen knowing what crosses the wire. */
type Intruder = (endpoints: { nonce?: string }) => Partial<Pick<Subscriber, 'curveServerKey' | 'curvePublicKey' | 'curveSecretKey' | 'plainUsername' | 'plainPassword'>>;

/** Runs verified steps on a session of `transport` while an intruder subscribes to its steps and forges an answer. */
async function withIntruder(transport: 'tcp' | 'tcp-plain', intruder: Intruder): Promise<void> {
  const session = await openRankSession({ transport });
  const info = { pids: session.pids, runDir: session.runDir };
  const endpoints = tcpEndpointsOf(session);
  const credentials = intruder(endpoints);
  const spy = new Subscriber({ linger: 0, receiveTimeout: 200, ...credentials });
  const forger = new Push({ linger: 0, sendTimeout: 200, ...credentials });
  try {
    spy.connect(endpoints.steps);
    spy.subscribe();
    forger.connect(endpoints.acks);
    // Frames it tries to inject: were any to arrive, the session would count them as rejected.
    await forger.send(Buffer.from('forged answer')).catch(() => undefined);
    const source = generatedSource({ batch: 4, seqLen: 64, steps: 30, blockSize: 4, seed: 1, finishRate: 0 });
    const m = await session.measure({ codec: 'msgpack', strategy: 'delta', source, plan: fixedPlan(20, 2), verifyEvery: 1 });
    expect(session.transport).toBe(transport);
    expect(m.steps.every((s) => s.ranks.every((k) => k.verified === true))).toBe(true);
    // Handshake failures are reported as they happen: wait for them, a bounded while.
    expect(await eventually(() => session.refusedPeers() >= 1, 10_000)).toBe(true);
    await expect(spy.receive()).rejects.toThrow();
    expect(m.rejectedFrames).toBe(0);
  } finally {
    spy.close();
    forger.close();
    await session.close();
  }
  expect(await leftovers(info)).toEqual([]);
}

describe('tcp between processes', () => {
  it('refuses and counts a peer without the secret: it never receives a step, and its answers never arrive', async () => {
    // An intruder with keys of its own: it knows where the scheduler listens, but not the secret the keys come from.
    await withIntruder('tcp', () => {
      const own = curveKeyPair();
      return { curveServerKey: curveKeyPair().publicKey, curvePublicKey: own.publicKey, curveSecretKey: own.secretKey };
    });
  });
});

describe('tcp-plain: frames in the clear, peers proving the secret by a ZAP-checked password', () => {
  it('derives a password per scheduler nonce, never the secret itself', () => {
    const secret = Buffer.alloc(32, 3);
    expect(plainPasswordOf(secret, 'a')).toBe(plainPasswordOf(Buffer.from(secret), 'a'));
    expect(plainPasswordOf(secret, 'a')).not.toBe(plainPasswordOf(secret, 'b'));
    expect(plainPasswordOf(Buffer.alloc(32, 4), 'a')).not.toBe(plainPasswordOf(secret, 'a'));
    expect(plainPasswordOf(secret, 'a')).not.toContain(secret.toString('hex'));
  });

  it('runs verified steps, and refuses and counts a peer with a password from another secret', async () => {
    // The intruder knows the nonce (it crosses the wire in the clear) but not the secret the password comes from.
    await withIntruder('tcp-plain', ({ nonce }) => ({ plainUsername: PLAIN_USER, plainPassword: plainPasswordOf(Buffer.alloc(32, 9), nonce ?? '') }));
  });
});

/** The endpoints a tcp session's ranks were given. */
function tcpEndpointsOf(session: Awaited<ReturnType<typeof openRankSession>>): { steps: string; acks: string; nonce?: string } {
  const address = session.address;
  if (address?.transport !== 'tcp' && address?.transport !== 'tcp-plain') throw new Error('not a tcp session');
  return { steps: address.steps, acks: address.acks, ...(address.nonce === undefined ? {} : { nonce: address.nonce }) };
}

describe('projection onto a link', () => {
  it('reads RTT,BANDWIDTH in the usual units, and refuses anything else', async () => {
    const { parseLink } = await import('../../src/model/link.js');
    expect(parseLink('25us,100Gbps')).toEqual({ rttMs: 0.025, bytesPerMs: 12_500_000, label: '25us,100Gbps' });
    expect(parseLink('0.5ms,10GB/s').bytesPerMs).toBe(10_000_000);
    expect(parseLink('2ms,800Mbps').rttMs).toBe(2);
    for (const bad of ['25us', '25,100Gbps', '25us,fast', '25us,0Gbps', '1s,1Gbps,x']) expect(() => parseLink(bad)).toThrow(OptionsError);
  });

  it('adds the one-way latency once, and the bytes once (low) or once per peer (high)', async () => {
    const { linkBands } = await import('../../src/model/link.js');
    // 1.25 MB over 100 Gbps is 0.1 ms; 25 µs round trip is 12.5 µs one way.
    const [two, eight] = linkBands(1, 1_250_000, [2, 8], '25us,100Gbps');
    expect(two).toMatchObject({ tp: 2, lowMs: 1.1125, highMs: 1.1125 });
    expect(eight?.lowMs).toBeCloseTo(1.1125, 12);
    expect(eight?.highMs).toBeCloseTo(1 + 0.0125 + 7 * 0.1, 12);
    expect(eight?.basis).toMatch(/7 peers/);
  });
});

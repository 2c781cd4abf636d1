import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Context, Publisher, Pull, type Socket } from 'zeromq';
import { OptionsError } from '../errors.js';
import { connectZmqRank, graceOf, receiveSpinning } from './ipc.js';
import { curveKeysOf, PLAIN_USER, plainPasswordOf } from './run-secret.js';
import { startZapHandler, type ZapHandler } from './zap.js';
import type { WaitPolicy } from './shm-ring-wait.js';
import type { RankTransport, SchedulerTransport, TcpAddress } from './types.js';

/** Where the scheduler listens over tcp, and with what secret. */
export interface TcpOptions {
  /** The address to listen on. @default '127.0.0.1' (loopback); any other must be asked for */
  host?: string;
}

/** True for an IPv4 or IPv6 loopback address. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The scheduler's tcp end, with how many peers it refused. */
export interface TcpScheduler extends SchedulerTransport {
  readonly address: TcpAddress;
  /** Peers whose CurveZMQ handshake failed (no secret, or the wrong one): refused before any frame. */
  refusedPeers(): number;
}

/** Counts a socket's failed handshakes as they happen, until the socket closes. */
export function countRefusals(socket: Socket, count: () => void): void {
  void (async () => {
    try {
      for await (const event of socket.events) if (event.type.startsWith('handshake:error')) count();
    } catch {
      // The socket closed: nothing more to count.
    }
  })();
}

/** The endpoint a socket bound to port 0 ended up on. */
function boundEndpoint(socket: Socket): string {
  const endpoint = socket.lastEndpoint;
  if (endpoint === null) throw new Error('tcp socket reports no bound endpoint');
  return endpoint;
}

/** How a tcp run's ends prove the secret: CurveZMQ (every frame encrypted), or a PLAIN password from it checked by ZAP (frames in the clear). */
export type TcpSecurity = 'curve' | 'plain';

/** The server side of a tcp run's security: socket options, and the ZAP handler plain needs. */
async function serverSecurity(secret: Uint8Array, security: TcpSecurity): Promise<{ options: object; nonce?: string; zap?: ZapHandler }> {
  if (security === 'curve') return { options: { curveServer: true, curveSecretKey: curveKeysOf(secret).server.secretKey } };
  const nonce = randomBytes(16).toString('hex');
  const password = Buffer.from(plainPasswordOf(secret, nonce));
  // Its own context: its ZAP handler then judges only its own handshakes, never the CurveZMQ sockets beside it.
  const context = new Context();
  const zap = await startZapHandler(context, (mechanism, [user, pass]) => mechanism === 'PLAIN' && user?.toString() === PLAIN_USER && pass !== undefined && pass.length === password.length && timingSafeEqual(pass, password));
  return { options: { context, plainServer: true, zapDomain: 'stallbench' }, nonce, zap };
}

/**
 * The scheduler's ZeroMQ tcp end: one PUB that every rank subscribes to (one send reaches them all, as vLLM's remote
 * readers' XPUB does) and a PULL for the answers, both on ephemeral ports of `host`. A peer must prove the run's
 * `secret` to complete a handshake — `curve`: CurveZMQ servers with keys from it, every frame encrypted; `plain`: a
 * PLAIN password derived from it, checked by ZAP, frames in the clear as engines send them. A peer without it is
 * counted, and never sends or receives a frame.
 */
export async function openTcpScheduler(secret: Uint8Array, sendTimeoutMs: number, options: TcpOptions = {}, wait?: WaitPolicy, security: TcpSecurity = 'curve'): Promise<TcpScheduler> {
  const host = options.host ?? '127.0.0.1';
  if (!/^[0-9a-fA-F.:]+$|^localhost$/.test(host)) throw new OptionsError('listen', `'${host}' is not an IP address`);
  const guard = await serverSecurity(secret, security);
  // linger 0: a send with no peer left must never hold the process open at exit.
  const ipv6 = host.includes(':');
  const out = new Publisher({ linger: 0, sendTimeout: sendTimeoutMs, ipv6, ...guard.options });
  const acks = new Pull({ linger: 0, ipv6, ...guard.options });
  let refused = 0;
  countRefusals(out, () => refused++);
  countRefusals(acks, () => refused++);
  const bracket = host.includes(':') ? `[${host}]` : host;
  const close = (): void => {
    out.close();
    acks.close();
    guard.zap?.close();
  };
  try {
    await out.bind(`tcp://${bracket}:*`);
    await acks.bind(`tcp://${bracket}:*`);
  } catch (error) {
    close();
    // An address this host does not have, or a port it may not take: the user's option, said in one line.
    throw new OptionsError('listen', `cannot listen on ${host}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const name = security === 'curve' ? 'tcp' : 'tcp-plain';
  const address: TcpAddress = { transport: name, steps: boundEndpoint(out), acks: boundEndpoint(acks), ...(guard.nonce === undefined ? {} : { nonce: guard.nonce }), ...(wait === undefined ? {} : { wait }) };
  const grace = graceOf(wait);
  return {
    name,
    address,
    refusedPeers: () => refused,
    send: (frames) => out.send(frames as Uint8Array[]),
    receive: async (timeoutMs) => (await receiveSpinning(acks, timeoutMs, grace))?.[0] ?? null,
    close,
  };
}

/** A rank's tcp end: SUB to every step, PUSH for answers, both proving `secret` as the address's transport says. */
export function connectTcpRank(address: TcpAddress, secret: Uint8Array, idleTimeoutMs: number): RankTransport {
  const ipv6 = address.steps.includes('[');
  if (address.transport === 'tcp-plain') return connectZmqRank(address, idleTimeoutMs, { ipv6, plainUsername: PLAIN_USER, plainPassword: plainPasswordOf(secret, address.nonce ?? '') });
  const { server, client } = curveKeysOf(secret);
  return connectZmqRank(address, idleTimeoutMs, { ipv6, curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey });
}

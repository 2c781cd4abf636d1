import type { ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { Dealer } from 'zeromq';
import type { RankStart } from '../broadcast/rank-process.js';
import { afterStderr, forkRank, stderrTail } from '../broadcast/ranks.js';
import { curveKeysOf } from '../transport/run-secret.js';
import type { RankIdentity } from './identity.js';
import { packWorld, unpackWorld, WORLD_MAX_MESSAGE_BYTES, type WorldMessage } from './world-protocol.js';

/** How a rank ≥ 1 joins its world and serves it. */
export interface AgentOptions {
  identity: RankIdentity;
  secret: Uint8Array;
  /** Longest wait to reach rank 0 and be let in, ms. */
  joinTimeoutMs: number;
  /** Rank 0 unheard (ZMTP heartbeats) this long is lost, ms. */
  peerTimeoutMs: number;
  /** Ends the agent, and every rank process it started, as rank 0's stop does. */
  signal?: AbortSignal;
  /** Where the agent says, in one line each, why it ended. */
  say: (line: string) => void;
}

/** How an agent ended: 0 stopped by rank 0; 1 rank 0 lost or interrupted; 2 never let in. */
export type AgentExit = 0 | 1 | 2;

/** Longest wait, after rank 0's stop, for the rank processes to exit by themselves before they are killed. */
const STOP_GRACE_MS = 5000;

/**
 * Serves as rank `identity.rank` of a launched world: joins rank 0 over a CurveZMQ DEALER (keys from the run's secret),
 * then starts a rank process for each session rank 0 asks for and reports its pid and its exit, until rank 0 stops it
 * or is lost. Whatever it started is gone when it returns.
 */
export async function serveAgent(options: AgentOptions): Promise<AgentExit> {
  const { identity, peerTimeoutMs, say } = options;
  const { server, client } = curveKeysOf(options.secret);
  const beatMs = Math.max(100, Math.floor(peerTimeoutMs / 5));
  const dealer = new Dealer({ linger: 1000, curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey, maxMessageSize: WORLD_MAX_MESSAGE_BYTES, heartbeatInterval: beatMs, heartbeatTimeout: peerTimeoutMs, ipv6: identity.master.host.includes(':') });
  const endpoint = `tcp://${identity.master.host.includes(':') ? `[${identity.master.host}]` : identity.master.host}:${identity.master.port}`;
  const children = new Map<string, { child: ChildProcess; session: number; rank: number }>();
  let sending: Promise<void> = Promise.resolve();
  const send = (message: WorldMessage): Promise<void> => {
    sending = sending.then(() => dealer.send(packWorld(message))).catch(() => undefined);
    return sending;
  };

  let welcomed = false;
  let dropped = 0;
  let ended = false;
  let resolveFinished: (exit: AgentExit) => void = () => undefined;
  const finished = new Promise<AgentExit>((resolve) => {
    resolveFinished = resolve;
  });
  // The first reason to end is the one: what comes after (rank 0's socket closing after its stop) says nothing.
  const finish = (exit: AgentExit, line?: string): void => {
    if (ended) return;
    ended = true;
    if (line !== undefined) say(line);
    resolveFinished(exit);
  };

  // A connection dropped before the welcome is a handshake rank 0 refused (another secret); after it, rank 0 is lost.
  void (async () => {
    try {
      for await (const event of dealer.events) {
        if (event.type !== 'disconnect' && !event.type.startsWith('handshake:error')) continue;
        // One refused attempt can show as a handshake error and a disconnect: the errors count where there are any.
        if (!welcomed) {
          if (event.type.startsWith('handshake:error')) dropped++;
        } else if (event.type === 'disconnect') finish(1, `rank ${identity.rank}: lost rank 0 at ${endpoint} (no heartbeat for ${peerTimeoutMs / 1000} s, or it exited); stopped what it started`);
      }
    } catch {
      // The socket closed.
    }
  })();

  const start = (session: number, config: RankStart): void => {
    // The agent's environment carries the run's secret (it needed it to join), and so the rank's does.
    const child = forkRank(config);
    const key = `${session}:${config.rank}`;
    children.set(key, { child, session, rank: config.rank });
    const stderr = stderrTail(child);
    child.on('error', (error) => {
      children.delete(key);
      void send({ kind: 'start-failed', session, rank: config.rank, reason: error.message });
    });
    child.on('spawn', () => void send({ kind: 'started', session, rank: config.rank, pid: child.pid ?? -1 }));
    child.on('exit', (code, signal) =>
      afterStderr(child, () => {
        children.delete(key);
        void send({ kind: 'exit', session, rank: config.rank, code, signal, stderr: stderr() });
      }),
    );
  };

  const killSession = (session: number): void => {
    for (const entry of children.values()) if (entry.session === session) entry.child.kill('SIGKILL');
  };

  const onAbort = (): void => {
    // Rank 0 hears it first, so its sessions fail at once and say why, rather than wait out the peer timeout.
    if (welcomed) void send({ kind: 'leaving', reason: `rank ${identity.rank} was interrupted` });
    finish(1, `rank ${identity.rank}: interrupted; stopped what it started`);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let joinTimer: NodeJS.Timeout | undefined;
  let alive: NodeJS.Timeout | undefined;
  try {
    dealer.connect(endpoint);
    void send({ kind: 'join', rank: identity.rank, worldSize: identity.worldSize, launcher: identity.launcher, host: hostname(), pid: process.pid });
    joinTimer = setTimeout(() => {
      const hint = dropped > 0 ? `; rank 0 dropped ${dropped} handshake${dropped === 1 ? '' : 's'} (does every rank hold the same secret?)` : '';
      finish(2, `rank ${identity.rank}: could not reach rank 0 at ${endpoint} within ${options.joinTimeoutMs / 1000} s${hint}`);
    }, options.joinTimeoutMs);
    void (async () => {
      try {
        for await (const [frame] of dealer) {
          const message = unpackWorld(frame);
          if (message === null) continue;
          if (message.kind === 'welcome') {
            welcomed = true;
            clearTimeout(joinTimer);
            say(`rank ${identity.rank} of ${identity.worldSize} joined rank 0 at ${endpoint}; serving its tcp sessions until it stops`);
            // Rank 0 hears from every agent often enough for its own peer timeout, whatever this agent's flag says.
            alive = setInterval(() => void send({ kind: 'alive' }), Math.max(50, Math.min(beatMs, Math.floor(message.peerTimeoutMs / 5))));
          } else if (message.kind === 'refused') {
            finish(2, `rank ${identity.rank}: refused by rank 0: ${message.reason}`);
            // Read before rank 0 closes its end: it waits for this answer, as it does after a stop.
            if (welcomed) void send({ kind: 'stopping' });
          } else if (message.kind === 'start' && welcomed && !ended) start(message.session, reachableStart(message.start as RankStart, identity.master.host));
          else if (message.kind === 'kill') killSession(message.session);
          else if (message.kind === 'stop') {
            // Said before rank 0 closes its end, so the close that follows is not taken for a loss.
            finish(0);
            void send({ kind: 'stopping' });
          }
        }
      } catch {
        // The socket closed.
      }
    })();
    const exit = await finished;
    await stopChildren(children, exit === 0 ? STOP_GRACE_MS : 0);
    await sending;
    return exit;
  } finally {
    clearTimeout(joinTimer);
    clearInterval(alive);
    options.signal?.removeEventListener('abort', onAbort);
    for (const { child } of children.values()) child.kill('SIGKILL');
    dealer.close();
  }
}

/**
 * A session's start as this host must use it: rank 0's tcp sockets bound on every interface (0.0.0.0 or ::) are
 * reached by the name this agent reached rank 0 by.
 */
export function reachableStart(start: RankStart, masterHost: string): RankStart {
  const address = start.address;
  if (address.transport !== 'tcp' && address.transport !== 'tcp-plain') return start;
  const host = masterHost.includes(':') ? `[${masterHost}]` : masterHost;
  const rewrite = (endpoint: string): string => endpoint.replace(/^tcp:\/\/(0\.0\.0\.0|\[::\]|\*):/, `tcp://${host}:`);
  return { ...start, address: { ...address, steps: rewrite(address.steps), acks: rewrite(address.acks) } };
}

/** Waits up to graceMs for the rank processes to exit by themselves, then kills the rest and waits for them to go. */
async function stopChildren(children: Map<string, { child: ChildProcess }>, graceMs: number): Promise<void> {
  const running = [...children.values()].map((c) => c.child).filter((c) => c.exitCode === null && c.signalCode === null);
  const exits = running.map((c) => new Promise<void>((resolve) => c.once('exit', () => resolve())));
  const timer = setTimeout(() => {
    for (const c of running) c.kill('SIGKILL');
  }, graceMs);
  await Promise.all(exits);
  clearTimeout(timer);
}

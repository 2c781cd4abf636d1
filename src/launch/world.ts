import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Router } from 'zeromq';
import { RankFailedError } from '../broadcast/errors.js';
import type { RankStart } from '../broadcast/rank-process.js';
import { exitReason, type Ranks, type RemoteWorld } from '../broadcast/ranks.js';
import { curveKeysOf } from '../transport/run-secret.js';
import { countRefusals } from '../transport/tcp.js';
import { LaunchError } from './errors.js';
import type { RankIdentity } from './identity.js';
import { packWorld, unpackWorld, WORLD_MAX_MESSAGE_BYTES, type WorldMessage } from './world-protocol.js';

/** How rank 0 forms and watches its world. */
export interface WorldOptions {
  /** Rank 0's identity: the world's size and where to listen. */
  identity: RankIdentity;
  secret: Uint8Array;
  /** Longest wait for every other rank to join, ms. */
  joinTimeoutMs: number;
  /** An agent silent this long is lost (and so is rank 0 to an agent: ZMTP heartbeats), ms. */
  peerTimeoutMs: number;
  /** Called once every rank has joined, with who joined. */
  onFormed?: (agents: readonly AgentInfo[]) => void;
}

/** A rank ≥ 1 as it joined. */
export interface AgentInfo {
  rank: number;
  host: string;
  pid: number;
  launcher: string;
}

/** Rank 0's side of a launched world: the agents that joined, and the starter that runs sessions' ranks on them. */
export interface LaunchedWorld extends RemoteWorld {
  readonly agents: readonly AgentInfo[];
  /** The address rank 0 listens on (the master's; 0.0.0.0 for a host name): where its tcp sessions listen unless told otherwise. */
  readonly listenHost: string;
  /** Peers whose CurveZMQ handshake failed on the rendezvous: refused before any frame. */
  refusedPeers(): number;
  /**
   * Tells every agent to stop and closes the rendezvous (once). Before the world formed, a rank 0 that ended well
   * (`ok`) stops the ranks that joined; one that failed tells them `reason`, and they exit 2.
   */
  close(outcome?: { ok: boolean; reason: string }): Promise<void>;
}

/**
 * Where rank 0 binds for a master host: an IP address as given; a name on every IPv4 interface (0.0.0.0), since a
 * host's own name often resolves to loopback on that host (Debian's 127.0.1.1) while the others reach it by the same
 * name, which the agents then use for its tcp sessions too. The name must resolve here, or it is a typo.
 */
async function bindAddressOf(host: string): Promise<string> {
  if (isIP(host) !== 0) return host;
  if (host === 'localhost') return '127.0.0.1';
  try {
    await lookup(host);
  } catch (error) {
    throw new LaunchError(`cannot resolve rank 0's address '${host}': ${error instanceof Error ? error.message : String(error)}`);
  }
  return '0.0.0.0';
}

const bracketed = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** One session's ranks on the agents: their pids once started, and what each reported at its end. */
interface RemoteSession {
  ranks: number[];
  pids: Map<number, number>;
  exited: Set<number>;
  stopping: boolean;
  step: number;
  onStarted(rank: number, pid: number): void;
  onStartFailed(rank: number, reason: string): void;
  onExit(rank: number, code: number | null, signal: string | null, stderr: string): void;
  onLost(rank: number, reason: string): void;
}

/**
 * Opens the world as rank 0: binds a CurveZMQ ROUTER at the master address (keys from the run's secret) and lets ranks
 * 1..worldSize-1 join in the background; the first session that needs them waits for all, and fails (LaunchError,
 * exit 2) for a world whose ranks disagree on its size or on who is who, or that does not fill within the join timeout.
 */
export async function openWorld(options: WorldOptions): Promise<LaunchedWorld> {
  const { identity, peerTimeoutMs } = options;
  const host = await bindAddressOf(identity.master.host);
  const { server } = curveKeysOf(options.secret);
  // linger: a stop or kill queued as the world closes still reaches the agents.
  const router = new Router({ linger: 1000, curveServer: true, curveSecretKey: server.secretKey, maxMessageSize: WORLD_MAX_MESSAGE_BYTES, heartbeatInterval: Math.max(100, Math.floor(peerTimeoutMs / 5)), heartbeatTimeout: peerTimeoutMs, ipv6: host.includes(':') });
  let refused = 0;
  countRefusals(router, () => refused++);
  const endpoint = `tcp://${bracketed(host)}:${identity.master.port}`;
  try {
    await router.bind(endpoint);
  } catch (error) {
    router.close();
    throw new LaunchError(`rank 0 cannot listen on ${endpoint}: ${error instanceof Error ? error.message : String(error)}`);
  }

  // ZeroMQ sockets take one send at a time: every send waits its turn.
  let sending: Promise<void> = Promise.resolve();
  const send = (id: Buffer, message: WorldMessage): Promise<void> => {
    sending = sending.then(() => router.send([id, packWorld(message)])).catch(() => undefined);
    return sending;
  };

  const joined = new Map<number, { id: Buffer; info: AgentInfo; lastSeen: number; lost: boolean }>();
  const sessions = new Map<number, RemoteSession>();
  let fatal: LaunchError | null = null;
  let formed = false;
  const agentsOf = (): AgentInfo[] => [...joined.values()].map((a) => a.info).sort((x, y) => x.rank - y.rank);
  /** Marks an agent lost and fails every session with a rank on it. */
  const loseAgent = (agent: { info: AgentInfo; lost: boolean }, reason: string): void => {
    if (agent.lost) return;
    agent.lost = true;
    for (const session of sessions.values()) if (session.ranks.includes(agent.info.rank)) session.onLost(agent.info.rank, reason);
  };
  // Agents that answered rank 0's stop or refusal: it closes once all have, so none reads the close as rank 0 lost.
  const stopped = new Set<number>();
  let onStopping: () => void = () => undefined;
  let wake: () => void = () => undefined;

  const handle = (id: Buffer, message: WorldMessage): void => {
    if (message.kind === 'join') {
      const { rank, worldSize } = message;
      let reason: string | null = null;
      if (worldSize !== identity.worldSize) reason = `rank ${rank} says the world has ${worldSize} ranks; rank 0 says ${identity.worldSize}`;
      else if (rank < 1 || rank >= identity.worldSize) reason = `a process on ${message.host} says it is rank ${rank}, outside 1..${identity.worldSize - 1}`;
      else if (joined.has(rank) && !(joined.get(rank)?.id.equals(id) ?? false)) reason = `rank ${rank} joined twice (from ${joined.get(rank)?.info.host} and ${message.host})`;
      else if ([...joined.values()].some((a) => a.id.equals(id) && a.info.rank !== rank)) reason = `one process on ${message.host} claims two ranks`;
      else if (formed && !joined.has(rank)) reason = `rank ${rank} joined a world already formed`;
      else if (settled && !formed) reason = 'the world did not form';
      if (reason !== null) {
        void send(id, { kind: 'refused', reason });
        // A world whose ranks disagree cannot run: while it forms, rank 0 says so too, before anything is measured.
        if (!formed) fatal ??= new LaunchError(reason);
        wake();
        return;
      }
      joined.set(rank, { id, info: { rank, host: message.host, pid: message.pid, launcher: message.launcher }, lastSeen: Date.now(), lost: false });
      void send(id, { kind: 'welcome', peerTimeoutMs });
      wake();
      return;
    }
    const agent = [...joined.values()].find((a) => a.id.equals(id));
    // Only a rank that joined may speak, and only for itself.
    if (agent === undefined) return;
    agent.lastSeen = Date.now();
    const rank = agent.info.rank;
    if (message.kind === 'started') sessions.get(message.session)?.onStarted(rank, message.pid);
    else if (message.kind === 'start-failed') sessions.get(message.session)?.onStartFailed(rank, message.reason);
    else if (message.kind === 'exit') sessions.get(message.session)?.onExit(rank, message.code, message.signal, message.stderr);
    else if (message.kind === 'leaving') {
      // Before the world formed it is simply not there: the world waits for that rank again, and lets it rejoin.
      if (!formed) joined.delete(rank);
      else loseAgent(agent, `its agent on ${agent.info.host} stopped: ${message.reason}`);
    } else if (message.kind === 'stopping') {
      stopped.add(rank);
      onStopping();
    }
  };

  const reading = (async () => {
    try {
      for await (const [id, frame] of router) {
        const message = unpackWorld(frame);
        if (id !== undefined && message !== null) handle(Buffer.from(id), message);
      }
    } catch {
      // The socket closed: the world is over.
    }
  })();

  let endedCleanly = false;
  /**
   * Says `message` (stop, or why the world did not form) to every agent still reachable, waits for each to answer
   * (bounded: one that cannot is lost, and its own watch on rank 0 ends it), then closes the rendezvous: an agent
   * never reads the close as rank 0 lost before it has read why.
   */
  const farewell = async (message: WorldMessage): Promise<void> => {
    const reachable = [...joined.values()].filter((a) => !a.lost);
    const allAnswered = new Promise<void>((resolve) => {
      onStopping = () => {
        if (reachable.every((a) => stopped.has(a.info.rank))) resolve();
      };
      onStopping();
    });
    for (const agent of reachable) await send(agent.id, message);
    await Promise.race([allAnswered, new Promise((resolve) => setTimeout(resolve, Math.min(peerTimeoutMs, 5000)).unref())]);
    router.close();
    await reading;
  };
  const missing = (): number[] => Array.from({ length: identity.worldSize - 1 }, (_, i) => i + 1).filter((r) => !joined.has(r));
  let watchdog: NodeJS.Timeout | undefined;
  let settled = false;
  // The world forms while rank 0's command parses its options: a session that needs its ranks waits for it, and a
  // command that fails first never waits for it at all.
  const formation = (async () => {
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          const refusedNote = refused > 0 ? `; ${refused} handshake${refused === 1 ? ' was' : 's were'} refused for want of the run's secret` : '';
          reject(new LaunchError(`rank${missing().length === 1 ? '' : 's'} ${missing().join(', ')} did not join rank 0 at ${endpoint} within ${options.joinTimeoutMs / 1000} s${refusedNote}`));
        }, options.joinTimeoutMs);
        wake = () => {
          if (fatal !== null || missing().length === 0) {
            clearTimeout(timer);
            if (fatal !== null) reject(fatal);
            else resolve();
          }
        };
        wake();
      });
    } catch (error) {
      settled = true;
      // The ranks that did join hear why the world did not form and exit 2 as rank 0 does — or, where rank 0 ended
      // cleanly before it needed them (a --help, a run with no tcp session), are stopped and exit 0.
      if (endedCleanly) await farewell({ kind: 'stop' });
      else await farewell({ kind: 'refused', reason: `the world did not form: ${error instanceof Error ? error.message : String(error)}` });
      throw error;
    }
    settled = true;
    formed = true;
    // An agent silent for the peer timeout is lost: its sessions fail at once. A timer that itself ran late means this
    // process was busy (a long block) and could not read what came meanwhile: it judges nobody on that tick.
    const tickMs = Math.max(100, Math.floor(peerTimeoutMs / 5));
    let lastTick = Date.now();
    watchdog = setInterval(() => {
      const now = Date.now();
      const late = now - lastTick > 2 * tickMs;
      lastTick = now;
      for (const agent of joined.values()) {
        if (late) agent.lastSeen = Math.max(agent.lastSeen, now - tickMs);
        else if (!agent.lost && now - agent.lastSeen > peerTimeoutMs) loseAgent(agent, `its agent on ${agent.info.host} was silent for ${peerTimeoutMs / 1000} s (link down, or the agent killed)`);
      }
    }, tickMs);
    watchdog.unref();
    options.onFormed?.(agentsOf());
  })();
  // Nobody may be waiting when it fails; whoever needs the world next hears of it.
  formation.catch(() => undefined);

  let sessionCount = 0;
  const starter = async (configs: readonly RankStart[]): Promise<Ranks> => {
    await formation;
    const id = ++sessionCount;
    const wanted = configs.map((c) => c.rank);
    let rejectFailed: (error: Error) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => {
      rejectFailed = reject;
    });
    failed.catch(() => undefined);
    let started: () => void = () => undefined;
    let startFailed: (error: Error) => void = () => undefined;
    const allStarted = new Promise<void>((resolve, reject) => {
      started = resolve;
      startFailed = reject;
    });
    // A rank can fail while the starts are still being sent, before anything awaits this: the race below still sees it.
    allStarted.catch(() => undefined);
    let exitedAll: () => void = () => undefined;
    const allExited = new Promise<void>((resolve) => {
      exitedAll = resolve;
    });
    const session: RemoteSession = {
      ranks: wanted,
      pids: new Map(),
      exited: new Set(),
      stopping: false,
      step: -1,
      onStarted(rank, pid) {
        session.pids.set(rank, pid);
        if (wanted.every((r) => session.pids.has(r))) started();
      },
      onStartFailed(rank, reason) {
        const error = new RankFailedError(rank, -1, `its agent could not start it: ${reason}`);
        startFailed(error);
        rejectFailed(error);
      },
      onExit(rank, code, signal, stderr) {
        ended(rank, session.stopping && code === 0 ? null : new RankFailedError(rank, session.step, exitReason(code, signal, stderr), code, signal as NodeJS.Signals | null));
      },
      onLost(rank, reason) {
        ended(rank, new RankFailedError(rank, session.step, reason));
      },
    };
    /** A rank of the session is gone: counted, and, unless it was asked to go, the session's failure. */
    const ended = (rank: number, error: RankFailedError | null): void => {
      session.exited.add(rank);
      if (wanted.every((r) => session.exited.has(r))) exitedAll();
      if (error === null) return;
      startFailed(error);
      rejectFailed(error);
    };
    sessions.set(id, session);
    // A session whose ranks have all ended hears nothing more.
    void allExited.then(() => sessions.delete(id));
    const kill = (): void => {
      session.stopping = true;
      for (const rank of wanted) {
        const agent = joined.get(rank);
        if (agent !== undefined && !session.exited.has(rank)) void send(agent.id, { kind: 'kill', session: id });
      }
    };
    for (const config of configs) {
      const agent = joined.get(config.rank);
      if (agent === undefined || agent.lost) {
        // Those asked already are told to stop again: nothing of a session that could not start is left running.
        kill();
        sessions.delete(id);
        throw new RankFailedError(config.rank, -1, 'its agent is not in the world');
      }
      await send(agent.id, { kind: 'start', session: id, start: config });
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([allStarted, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new RankFailedError(wanted.find((r) => !session.pids.has(r)) ?? 1, -1, `its agent did not start it within ${peerTimeoutMs / 1000} s`)), peerTimeoutMs)))]);
    } catch (error) {
      kill();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return {
      pids: wanted.map((r) => session.pids.get(r) ?? -1),
      failed,
      setStep: (step) => {
        session.step = step;
      },
      stop: async (graceMs) => {
        session.stopping = true;
        const bounded = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
        await Promise.race([allExited, bounded(graceMs)]);
        if (wanted.every((r) => session.exited.has(r))) return;
        kill();
        // An agent that can no longer be reached is lost, and its own watch on rank 0 ends what it started.
        await Promise.race([allExited, bounded(peerTimeoutMs)]);
      },
      killAll: kill,
    };
  };

  let closing: Promise<void> | null = null;
  return {
    size: identity.worldSize,
    get agents() {
      return agentsOf();
    },
    listenHost: host,
    starter,
    hostOf: (rank) => joined.get(rank)?.info.host ?? null,
    refusedPeers: () => refused,
    close: (outcome = { ok: true, reason: 'rank 0 is done' }) => {
      closing ??= (async () => {
        if (!settled) {
          // Rank 0 ended before its world formed: the ranks that joined hear why (or are stopped, if it ended well).
          endedCleanly = outcome.ok;
          fatal ??= new LaunchError(`rank 0 ended before the world formed: ${outcome.reason}`);
          wake();
          await formation.catch(() => undefined);
          // The world may have formed in the same turn: then it ends as a formed one does.
          if (!formed) return;
        }
        if (!formed) return;
        clearInterval(watchdog);
        await farewell({ kind: 'stop' });
      })();
      return closing;
    },
  };
}

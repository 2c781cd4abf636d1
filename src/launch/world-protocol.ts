import type { RankStart } from '../broadcast/rank-process.js';

/** Largest frame a world socket takes: its messages are small, and a bigger one is refused by ZeroMQ before it is read. */
export const WORLD_MAX_MESSAGE_BYTES = 64 * 1024;

/** What an agent (rank ≥ 1) and rank 0 say to each other over the world's rendezvous socket. */
export type WorldMessage =
  | { kind: 'join'; rank: number; worldSize: number; launcher: string; host: string; pid: number }
  /** Rank 0's peer timeout rides on the welcome: an agent beats often enough for it, whatever its own flag says. */
  | { kind: 'welcome'; peerTimeoutMs: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'start'; session: number; start: RankStart }
  | { kind: 'started'; session: number; rank: number; pid: number }
  | { kind: 'start-failed'; session: number; rank: number; reason: string }
  | { kind: 'exit'; session: number; rank: number; code: number | null; signal: string | null; stderr: string }
  | { kind: 'kill'; session: number }
  | { kind: 'stop' }
  /** An agent going of its own accord (interrupted): rank 0 fails its sessions at once, with the reason. */
  | { kind: 'leaving'; reason: string }
  /** An agent's answer to stop: rank 0 closes only after it, so the agent never reads the close as a loss. */
  | { kind: 'stopping' }
  | { kind: 'alive' };

const KINDS = new Set<WorldMessage['kind']>(['join', 'welcome', 'refused', 'start', 'started', 'start-failed', 'exit', 'kill', 'stop', 'leaving', 'stopping', 'alive']);

/** The frame of a world message. */
export function packWorld(message: WorldMessage): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

const isInt = (value: unknown): value is number => Number.isInteger(value);
const isText = (value: unknown): value is string => typeof value === 'string';

/** Whether each field a kind needs is there with its type: the peer is authenticated, but a version skew must not crash either end. */
function wellFormed(m: Record<string, unknown>): boolean {
  switch (m.kind) {
    case 'join':
      return isInt(m.rank) && isInt(m.worldSize) && isText(m.launcher) && isText(m.host) && isInt(m.pid);
    case 'welcome':
      return isInt(m.peerTimeoutMs) && (m.peerTimeoutMs as number) > 0;
    case 'refused':
    case 'leaving':
      return isText(m.reason);
    case 'start':
      return isInt(m.session) && typeof m.start === 'object' && m.start !== null;
    case 'started':
      return isInt(m.session) && isInt(m.rank) && isInt(m.pid);
    case 'start-failed':
      return isInt(m.session) && isInt(m.rank) && isText(m.reason);
    case 'exit':
      return isInt(m.session) && isInt(m.rank) && (m.code === null || isInt(m.code)) && (m.signal === null || isText(m.signal)) && isText(m.stderr);
    case 'kill':
      return isInt(m.session);
    default:
      return true;
  }
}

/** The message in a frame, or null for anything that is not one (the caller drops it). */
export function unpackWorld(frame: Uint8Array | undefined): WorldMessage | null {
  if (frame === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || !KINDS.has((value as { kind: WorldMessage['kind'] }).kind)) return null;
  return wellFormed(value as Record<string, unknown>) ? (value as WorldMessage) : null;
}

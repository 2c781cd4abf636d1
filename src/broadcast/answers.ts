import { CodecCallError } from '../errors.js';
import { RankFailedError } from './errors.js';
import { unpackControl, type Ack } from './protocol.js';
import type { RankTimes } from './records.js';

/** What a Python codec module raised, as its process described it ("ValueError: …"). */
class UserCodeFailure extends Error {
  override readonly name = 'Python';
}

/** Longest wait for the first answer of a rank process: starting one (and loading its modules) on a busy machine is not a hang. */
export const START_TIMEOUT_MS = 60_000;
/** Wait for the answers to one handshake ping before another is sent (PUB/SUB drops what precedes a subscriber). */
const PING_WAIT_MS = 100;

/** Gathers the ranks' answers from the scheduler's answer socket. */
export interface AnswerCollector {
  /** Waits for one answer of `kind` from every expected rank, for up to `timeoutMs` between answers; drops foreign and out-of-step frames. */
  collect(kind: Ack['kind'], config: number, step: number, timeoutMs?: number): Promise<Map<number, Ack>>;
  /** Frames refused so far because they did not carry the run token. */
  readonly rejected: number;
}

/** What an answer collector reads and expects. */
export interface AnswerOptions {
  receive(timeoutMs: number): Promise<Uint8Array | null>;
  token: string;
  /** Ranks that answer every command. */
  ranks: readonly number[];
  /** Default wait for an answer, ms. */
  timeoutMs: number;
  /** Races each wait against the session's interruption and its ranks' failure. */
  race<T>(promise: Promise<T>): Promise<T>;
  /** The session's own reading of a failed answer (a Python scheduler's round-trip mismatch), before the generic one. */
  failureOf?: (ack: Ack, step: number) => Error | null;
}

/** A collector over `options.receive`: an answer carrying an error, or a failed check, throws RankFailedError naming its rank. */
export function answerCollector(options: AnswerOptions): AnswerCollector {
  let rejected = 0;
  return {
    get rejected() {
      return rejected;
    },
    collect: async (kind, config, step, timeoutMs = options.timeoutMs) => {
      const got = new Map<number, Ack>();
      while (got.size < options.ranks.length) {
        const frame = await options.race(options.receive(timeoutMs));
        if (frame === null) {
          const missing = options.ranks.find((r) => !got.has(r)) ?? options.ranks[0] ?? 1;
          throw new RankFailedError(missing, step, `no ${kind} answer within ${timeoutMs} ms (hung?)`);
        }
        const ack = unpackControl(frame) as Ack | null;
        if (ack === null || ack.token !== options.token) {
          rejected++;
          continue;
        }
        if (ack.kind !== kind || ack.step !== step || ack.config !== config || !options.ranks.includes(ack.rank)) continue;
        const work = kind === 'configured' ? 'configure' : ack.rank === 0 ? 'encode' : 'decode';
        const failure = options.failureOf?.(ack, step) ?? null;
        if (failure !== null) throw failure;
        // The user's own code failed: theirs to fix (exit 2), named by module, call and step, not by rank.
        const user = ack.userCode;
        if (ack.error !== null && user != null && user.call !== 'replay') throw new CodecCallError(user.codec, user.call, kind === 'configured' ? null : step, new UserCodeFailure(ack.error));
        if (ack.error !== null) throw new RankFailedError(ack.rank, step, `${work} failed: ${ack.error}`);
        if (ack.verified === false) throw new RankFailedError(ack.rank, step, 'decoded payload differs from the one sent');
        got.set(ack.rank, ack);
      }
      return got;
    },
  };
}

/**
 * Hello from every rank, then pings until every subscriber has answered one (PUB/SUB drops messages sent before it
 * joined); returns the hellos.
 */
export async function handshake(answers: AnswerCollector, ping: (step: number) => Promise<void>, timeoutMs: number): Promise<Map<number, Ack>> {
  const hello = await answers.collect('hello', 0, -1, Math.max(timeoutMs, START_TIMEOUT_MS));
  for (let attempt = 0; ; attempt++) {
    await ping(-2 - attempt);
    try {
      await answers.collect('ping', 0, -2 - attempt, PING_WAIT_MS);
      return hello;
    } catch (error) {
      if (!(error instanceof RankFailedError) || error.exitCode !== null || error.signal !== null || attempt * PING_WAIT_MS > timeoutMs) throw error;
    }
  }
}

/** The answering ranks' stamps of one step, by rank; rank 0 (a scheduler that answers for itself) is not among them. */
export function rankTimesOf(acks: ReadonlyMap<number, Ack>): RankTimes[] {
  return [...acks.values()]
    .filter((a) => a.rank !== 0)
    .sort((a, b) => a.rank - b.rank)
    .map((a) => ({
      rank: a.rank,
      receivedNs: a.receivedNs,
      decodedNs: a.decodedNs,
      convertedNs: a.convertedNs,
      readyNs: a.readyNs,
      pageFaults: a.pageFaults,
      involuntary: a.involuntary ?? 0,
      gcMs: a.gcMs ?? 0,
      runQueueUs: a.runQueueUs ?? Number.NaN,
      verified: a.verified,
    }));
}

import { OptionsError } from '../errors.js';
import { MAX_IDLE_MS, waitChoicesOf } from '../transport/wait-choice.js';
import { parseLink } from '../model/link.js';
import type { TcpRunOptions } from '../broadcast/session.js';
import { launchedWorld } from './launched-world.js';
import { isTcp } from '../transport/types.js';
export { LIMITS } from '../options.js';

/** A comma-separated option parsed item by item, or the fallback when the option was not given. */
export function list<T>(text: string | undefined, fallback: readonly T[], parse: (item: string) => T): T[] {
  return text === undefined ? [...fallback] : text.split(',').map((item) => parse(item.trim()));
}

/** A TP size option: an integer in [2, max], since at tp=1 nothing is broadcast. */
export function tpOption(option: string, text: string, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 2 || n > max) throw new OptionsError(option, `'${text}' is not an integer in [2, ${max}] (at tp=1 nothing is broadcast)`);
  return n;
}

/** An integer option in [1, max]. */
export function positiveInt(option: string, text: string, max: number): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 1 || n > max) throw new OptionsError(option, `'${text}' is not an integer in [1, ${max}]`);
  return n;
}

/** The shm-ring options of `--spin-us N` (µs a waiting end polls before it sleeps); refused without the shm-ring transport. */
export function shmRingOption(text: string | undefined, transports: readonly string[]): { shmRing?: { wait: { spinUs: number } } } {
  if (text === undefined) return {};
  if (!transports.includes('shm-ring')) throw new OptionsError('spin-us', 'applies only where the shm-ring transport runs (--transport shm-ring)');
  const spinUs = Number(text);
  if (!/^\d+$/.test(text.trim()) || spinUs > 60_000_000) throw new OptionsError('spin-us', `'${text}' is not an integer in [0, 60000000]`);
  return { shmRing: { wait: { spinUs } } };
}

/**
 * The tcp options of `--listen ADDR` (where a tcp scheduler listens); refused without the tcp transport. Under
 * `stallbench rank` the launched world's agents start the tcp ranks, and the scheduler listens at the master's address.
 */
export function tcpOption(listen: string | undefined, transports: readonly string[]): { tcp?: TcpRunOptions } {
  const world = launchedWorld();
  if (listen !== undefined && !transports.some(isTcp)) throw new OptionsError('listen', 'applies only where a tcp transport runs (--transport tcp or tcp-plain)');
  if (world !== null && !transports.some(isTcp)) throw new OptionsError('transport', `under stallbench rank the other ranks serve only tcp sessions: give --transport tcp or tcp-plain (beside ${transports.join(', ') || 'nothing'})`);
  if (world !== null) return { tcp: { host: listen?.trim() ?? world.listenHost, world } };
  if (listen === undefined) return {};
  return { tcp: { host: listen.trim() } };
}

/** Checks `--link RTT,BW`: a link it can read, and a tcp transport to project. */
export function checkLinkOption(link: string, transports: readonly string[]): void {
  parseLink(link);
  if (!transports.some(isTcp)) throw new OptionsError('link', 'projects tcp rows: give --transport tcp or tcp-plain');
}

/** The `--wait LIST` and `--idle-ms MS` options; --spin-us is the older spelling of one spin:N and cannot go with --wait. */
export function waitOptions(wait: string | undefined, idleMs: string | undefined, spinUs: string | undefined): { wait?: string[]; idleMs?: number } {
  if (wait !== undefined && spinUs !== undefined) throw new OptionsError('wait', `give --wait or --spin-us, not both (--spin-us N is --wait spin:N)`);
  const idle = idleMs === undefined ? undefined : Number(idleMs);
  if (idle !== undefined && (idleMs?.trim() === '' || !Number.isFinite(idle) || idle < 0 || idle > MAX_IDLE_MS)) throw new OptionsError('idle-ms', `'${idleMs ?? ''}' is not a number of ms in [0, ${MAX_IDLE_MS}]`);
  return { ...(wait === undefined ? {} : { wait: waitChoicesOf(wait) }), ...(idle === undefined || idle === 0 ? {} : { idleMs: idle }) };
}

/** A positive finite number option (milliseconds, percentages). */
export function positiveNumber(option: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new OptionsError(option, `'${text}' is not a positive number`);
  return n;
}

/** A finite number option that may be zero (a threshold that can be switched off). */
export function nonNegativeNumber(option: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new OptionsError(option, `'${text}' is not a number ≥ 0`);
  return n;
}

/** A probability option in [0, 1]. */
export function probability(option: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !(n >= 0 && n <= 1)) throw new OptionsError(option, `'${text}' is not a probability in [0, 1]`);
  return n;
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(option: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) throw new OptionsError(option, `'${text}' is not one of ${allowed.join(', ')}`);
  return text as T;
}

/** True for errors that mean the command line was wrong (exit 2), as opposed to a failure while running. */
export function isUsageError(error: unknown): boolean {
  return error instanceof OptionsError || (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
}

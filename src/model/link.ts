import { OptionsError } from '../errors.js';

/** A network link to project onto: its round trip and its bandwidth. */
export interface Link {
  /** Round-trip time, ms. */
  rttMs: number;
  /** Bandwidth, bytes per ms. */
  bytesPerMs: number;
  /** As the user wrote it, e.g. "25us,100Gbps". */
  label: string;
}

const TIME_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000 };
// Bits per second, or bytes per second, to bytes per ms.
const RATE_UNITS: Record<string, number> = { bps: 1 / 8 / 1000, kbps: 1e3 / 8 / 1000, mbps: 1e6 / 8 / 1000, gbps: 1e9 / 8 / 1000, 'kb/s': 1, 'mb/s': 1e3, 'gb/s': 1e6 };

/** Reads "RTT,BANDWIDTH" ("25us,100Gbps", "0.5ms,10GB/s"); throws OptionsError naming the option. */
export function parseLink(text: string): Link {
  const [rtt, rate, ...rest] = text.split(',').map((s) => s.trim());
  const time = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s)$/.exec(rtt ?? '');
  const bandwidth = /^(\d+(?:\.\d+)?)([kKmMgG]?bps|[kKmMgG]B\/s)$/.exec(rate ?? '');
  if (rest.length > 0 || time === null || bandwidth === null) throw new OptionsError('link', `'${text}' is not RTT,BANDWIDTH such as 25us,100Gbps (time in ns, us, ms or s; bandwidth in bps, Kbps, Mbps, Gbps or KB/s, MB/s, GB/s)`);
  const rttMs = Number(time[1]) * (TIME_UNITS[time[2] as string] as number);
  const bytesPerMs = Number(bandwidth[1]) * (RATE_UNITS[(bandwidth[2] as string).toLowerCase()] as number);
  if (!(bytesPerMs > 0)) throw new OptionsError('link', `'${text}': the bandwidth must be above 0`);
  return { rttMs, bytesPerMs, label: text.trim() };
}

/** A tcp row's stall projected onto a link at one TP size, as a band with its basis. */
export interface LinkProjection {
  tp: number;
  link: string;
  /** One-way latency plus the message's bytes once over the link (a multicast-like fan-out), on top of the measured stall, ms. */
  lowMs: number;
  /** One-way latency plus the bytes once per peer (a serial sender, tp − 1 peers), on top of the measured stall, ms. */
  highMs: number;
  basis: string;
}

/**
 * Projects a stall measured over a fast local path onto `link`: the link's one-way latency (half its round trip) is
 * added once, and the wire bytes over its bandwidth once (low: one send reaches every peer) or once per peer (high:
 * the sender writes to each in turn). The local path's own transfer stays in, so both ends lean high by it.
 */
export function projectOntoLink(stallMs: number, wireBytes: number, tp: number, link: Link): LinkProjection {
  const oneWay = link.rttMs / 2;
  const once = wireBytes / link.bytesPerMs;
  return {
    tp,
    link: link.label,
    lowMs: stallMs + oneWay + once,
    highMs: stallMs + oneWay + (tp - 1) * once,
    basis: `measured stall ${stallMs.toFixed(3)} ms + ${oneWay.toFixed(4)} ms one-way latency + ${once.toFixed(4)} ms for ${wireBytes} bytes, once (low) or for each of ${tp - 1} peers (high); the local path's own transfer is not taken out`,
  };
}

/** A stall projected onto the link `text` names, at each TP of `tps` (once each). */
export function linkBands(stallMs: number, wireBytes: number, tps: readonly number[], text: string): LinkProjection[] {
  const link = parseLink(text);
  return [...new Set(tps)].map((tp) => projectOntoLink(stallMs, wireBytes, tp, link));
}

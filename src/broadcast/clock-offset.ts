/** One ping exchange with a rank: rank 0's send and receive stamps, and the rank's receive stamp on its own clock, ns. */
export interface PingExchange {
  sentNs: number;
  rankNs: number;
  answeredNs: number;
}

/** A rank's clock against rank 0's, from ping exchanges, NTP-style. */
export interface ClockOffset {
  rank: number;
  /** The rank's clock minus rank 0's, ns: subtract it from the rank's stamps to put them on rank 0's clock. */
  offsetNs: number;
  /** Half the round trip of the exchange the offset came from, ns: the true offset lies within ± this. */
  uncertaintyNs: number;
  /** Exchanges it was chosen from. */
  exchanges: number;
}

/**
 * The offset from the exchange with the shortest round trip, whose midpoint is the best guess of when the rank
 * stamped: offset = rank stamp − midpoint, uncertainty = half the round trip (the rank stamped somewhere inside it).
 */
export function clockOffsetOf(rank: number, exchanges: readonly PingExchange[]): ClockOffset {
  if (exchanges.length === 0) throw new RangeError('a clock offset needs at least one exchange');
  let best = exchanges[0] as PingExchange;
  for (const e of exchanges) if (e.answeredNs - e.sentNs < best.answeredNs - best.sentNs) best = e;
  const roundTrip = best.answeredNs - best.sentNs;
  return { rank, offsetNs: best.rankNs - (best.sentNs + roundTrip / 2), uncertaintyNs: roundTrip / 2, exchanges: exchanges.length };
}

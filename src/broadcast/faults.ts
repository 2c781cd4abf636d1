/** A fault to inject, for testing that failures are reported and cleaned up: crash or hang a rank, or resend a stale shm descriptor. */
export interface FaultInjection {
  kind: 'crash' | 'kill' | 'hang' | 'stale-descriptor';
  /** Rank that misbehaves (1..tp-1); ignored for 'stale-descriptor', which rank 0 sends. */
  rank: number;
  /** Step index (counting warm-up steps) at which it happens. */
  step: number;
}

/** Exit code of a rank crashed by fault injection. */
export const INJECTED_CRASH_EXIT_CODE = 86;

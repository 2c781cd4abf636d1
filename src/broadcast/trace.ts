import type { StepRecord } from './records.js';

/** One Chrome Trace Event (the JSON format Perfetto and chrome://tracing open). */
export interface TraceEvent {
  name: string;
  ph: 'X' | 'i' | 'M';
  /** Microseconds from the first step. */
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  s?: 't';
  args?: Record<string, unknown>;
}

/** A Chrome trace document. */
export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
}

/** The per-rank timeline of a run's steps: one track per rank with encode, send, transfer, decode, convert, derive and ready. */
export function broadcastTrace(steps: readonly StepRecord[], info: { label: string; tp: number }): ChromeTrace {
  const origin = steps[0]?.startNs ?? 0;
  const us = (ns: number): number => (ns - origin) / 1000;
  const span = (name: string, tid: number, fromNs: number, toNs: number, args: Record<string, unknown>): TraceEvent => ({
    name,
    ph: 'X',
    ts: us(fromNs),
    dur: Math.max(0, (toNs - fromNs) / 1000),
    pid: 1,
    tid,
    args,
  });
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', ts: 0, pid: 1, tid: 0, args: { name: `stallbench ${info.label} tp=${info.tp}` } },
    ...Array.from({ length: info.tp }, (_, rank): TraceEvent => ({
      name: 'thread_name',
      ph: 'M',
      ts: 0,
      pid: 1,
      tid: rank,
      args: { name: rank === 0 ? 'rank 0 (scheduler)' : `rank ${rank}` },
    })),
  ];
  for (const step of steps) {
    const args = { step: step.step, wireBytes: step.wireBytes, ...(step.restart ? { restart: true } : {}) };
    events.push(span('encode', 0, step.startNs, step.encodedNs, args), span('send', 0, step.encodedNs, step.sentNs, args));
    for (const rank of step.ranks) {
      events.push(
        span('transfer', rank.rank, step.encodedNs, rank.receivedNs, args),
        span('decode', rank.rank, rank.receivedNs, rank.decodedNs, args),
        span('convert', rank.rank, rank.decodedNs, rank.convertedNs, args),
        span('derive', rank.rank, rank.convertedNs, rank.readyNs, args),
        { name: 'ready', ph: 'i', s: 't', ts: us(rank.readyNs), pid: 1, tid: rank.rank, args: { ...args, stallMs: (rank.readyNs - step.startNs) / 1e6 } },
      );
    }
  }
  return { traceEvents: events, displayTimeUnit: 'ms' };
}

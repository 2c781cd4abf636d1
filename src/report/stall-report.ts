import { PART_NAMES } from '../broadcast/parts.js';
import type { StallRow } from '../run/row.js';
import { formatBytes, formatMs, formatRatio, textTable } from './format.js';
import { SLOW_STEP_FACTOR } from '../run/tails.js';
import { tail, waitText, withInterval } from './sweep-section.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** A measured row as the plain-text block the CLI prints: its parts, floors, and the projection at its first TP. */
export function formatStallReport(row: StallRow): string {
  const r = row.report;
  const where = r.transport === 'none' ? 'in one process, no transport' : `measured at tp=2, real processes, ${r.transport}`;
  const lines = [
    `${r.codec} (${r.form}), strategy ${r.strategy}, regime ${r.regime}: batch ${r.batch}, ${r.slots} slots; ${r.frames} frame(s), ${formatBytes(r.wireBytes)} on the wire`,
    `${r.stall.n} measured steps after ${r.warmup.steps} warm-up steps (${r.warmup.settled ? 'rolling median settled' : 'warm-up cap reached'})${r.restarts > 0 ? `, ${r.restarts} labelled restarts not sampled` : ''}`,
    '',
    textTable(
      ['part', 'p50 ms [95% CI]', 'p99 ms', 'n'],
      [
        ...PART_NAMES.map((name) => [name, withInterval(r.parts[name]), tail(r.parts[name]), String(r.parts[name].n)]),
        // The headline figure, as the sweep and compare print it: the steps' median, its interval over the block medians.
        [`step stall (${where})${r.oversubscribed ? ' *' : ''}`, withInterval(row.stallOverBlocks), tail(r.stall), String(r.stall.n)],
        ['memcpy of the payload bytes (reused floor)', withInterval(r.floors.memcpy), tail(r.floors.memcpy), String(r.floors.memcpy.n)],
        ['fresh allocation + copy (fresh floor)', withInterval(r.floors.freshCopy), tail(r.floors.freshCopy), String(r.floors.freshCopy.n)],
        ...(r.transport !== 'shm-ring' || r.floors.ringMemcpy === undefined
          ? []
          : [['memcpy through 4 slots in turn (reference for a copy into the ring)', withInterval(r.floors.ringMemcpy), tail(r.floors.ringMemcpy), String(r.floors.ringMemcpy.n)]]),
        ...(r.floors.roundTrip === null ? [] : [['small-message round trip', withInterval(r.floors.roundTrip), tail(r.floors.roundTrip), String(r.floors.roundTrip.n)]]),
        ...(r.floors.emptyStep === null ? [] : [[`empty message's stall (${r.transport} floor)`, withInterval(r.floors.emptyStep), tail(r.floors.emptyStep), String(r.floors.emptyStep.n)]]),
      ],
    ),
    `stall / (${r.regime} floor + empty message): ${r.vsFloor === null ? 'no empty-message floor on this transport' : formatRatio(r.vsFloor)}; page faults per step: ${r.pageFaultsPerStep.scheduler.toFixed(0)} scheduler, ${r.pageFaultsPerStep.rank.toFixed(0)} rank`,
  ];
  if (r.transport !== 'none') lines.push(`wait policy: ${waitText(row)}${r.waitPolicy === null ? ' (each end blocks in the kernel)' : ` ${JSON.stringify(r.waitPolicy)}`}${r.idleMs === undefined ? '; steps back to back' : `; rank 0 slept ${r.idleMs} ms before each step`}`);
  if (row.cpu !== undefined && row.cpu.length > 0) {
    lines.push(`CPU per step: ${row.cpu.map((c) => `${c.rank === 0 ? 'scheduler' : `rank ${c.rank}`} ${c.usPerStep.toFixed(0)} µs (${c.cores.toFixed(2)} cores)`).join(', ')}, warm-up included`);
  }
  if (r.tails !== undefined) {
    const t = r.tails;
    const pct0 = (x: number): string => `${Math.round(x * 100)}%`;
    lines.push(
      t.slow === 0
        ? `tail: no step above ${SLOW_STEP_FACTOR}× the median (${formatMs(t.thresholdMs)} ms)`
        : `tail: ${t.slow} of ${t.steps} steps above ${SLOW_STEP_FACTOR}× the median (${formatMs(t.thresholdMs)} ms); of those, ${pct0(t.slowWith.preemption)} preempted, ${pct0(t.slowWith.gc)} in GC, ${pct0(t.slowWith.faults)} faulting (of all steps: ${pct0(t.allWith.preemption)}, ${pct0(t.allWith.gc)}, ${pct0(t.allWith.faults)}); p99 ${formatMs(r.stall.p99)} ms, ${formatMs(t.p99Without)} ms without them${t.mostlyPreemption ? ' — mostly preemption: the machine, not the codec' : ''}`,
    );
  }
  for (const c of row.clock ?? []) lines.push(`clock of rank ${c.rank}${c.host === undefined ? '' : ` on ${c.host}`}: ${c.offsetUs.toFixed(1)} ± ${c.uncertaintyUs.toFixed(1)} µs from rank 0's (drift ${c.driftUs.toFixed(1)} µs over ${c.blocks} blocks); transfer and stall are known to ± ${c.uncertaintyUs.toFixed(1)} µs`);
  for (const l of row.link ?? []) lines.push(`onto ${l.link} at tp=${l.tp}: ${formatMs(l.lowMs)}–${formatMs(l.highMs)} ms per step (${l.basis})`);
  if (r.atFloor) lines.push(`the stall is within 2x of the empty message's: what is left is the harness and the transport, not the codec`);
  if (r.oversubscribed) lines.push('* more ranks than cores: the stall includes waiting for a core');
  for (const p of row.projections) {
    const b = p.band;
    lines.push(`tp=${b.tp}: ${formatMs(b.lowMs)}–${formatMs(b.highMs)} ms per step (projected band; ${b.basis})`);
    if (p.direct !== null) lines.push(`  measured directly at tp=${p.direct.tp}: ${withInterval(p.direct.stall)} ms, ${p.direct.inBand ? 'inside' : 'OUTSIDE'} the band`);
    if (p.stepTime === null || p.low === null || p.high === null) {
      lines.push(`  no published GPU step time for tp=${p.tp}: pass stepMs for the idle share`);
    } else {
      lines.push(
        `  onto a ${p.stepTime.stepMs} ms GPU step${p.low.overlap ? ', overlapped scheduler' : ''}: GPUs idle ${pct(p.low.idleFraction)}–${pct(p.high.idleFraction)}, ${p.low.tokensPerSecondLost.toFixed(0)}–${p.high.tokensPerSecondLost.toFixed(0)} of ${p.low.tokensPerSecond.toFixed(0)} tok/s lost`,
        `  step time: ${p.stepTime.source}`,
      );
    }
  }
  return lines.join('\n');
}
